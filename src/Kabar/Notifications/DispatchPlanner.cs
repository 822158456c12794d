using System.Text.Json;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Kabar.OptIn;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>One send to make; <paramref name="DueAt"/> (when the notification became due) starts its send latency;
/// <paramref name="Probe"/>: the one send that finds out whether a failing provider is back; <paramref name="LeavesAt"/>: a
/// WhatsApp send's reserved time to leave, which the number's departure mark must cover before it does.</summary>
internal sealed record PlannedSend(Guid NotificationId, DateTime DueAt, Guid AttemptId, Channel Channel, OutageBreaker Breaker,
    WhatsAppSendRequest? WhatsApp, SmsMessage? Sms, EmailMessage? Email, DateTime? ReadyAt = null, bool Probe = false,
    DateTime LeavesAt = default);

/// <summary>
/// Plans a pass's claimed notifications at claim time: routes each one (<see cref="DispatchRoute"/>),
/// holds it for quiet hours, the number's pause or warm-up, the pair rate, the messaging limit or a
/// provider's outage, reserves its slot in the number's rate, and writes a pending attempt for each
/// send before any request leaves (SPEC §6).
/// </summary>
internal sealed class DispatchPlanner(
    WriteGate gate,
    IOptions<NotificationOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<PolicyOptions> policy,
    DecisionInputs inputs,
    MessageComposer composer,
    KabarMetrics metrics)
{
    private static readonly JsonSerializerOptions Json = NotificationWriter.Json;

    private NotificationOptions O => options.Value;

    /// <summary>A pass's notifications, what planning them needs to know, and the sends planned so far.</summary>
    private sealed record Pass(NotificationFlow Flow, KabarDbContext Db, WhatsAppNumberOptions Number, SendLimiter Limiter,
        OutageBreakers Breakers, DateTime? WhatsAppClosedUntil, DateTime Now, List<Notification> Notifications,
        Dictionary<Guid, Contact> Contacts, Dictionary<Guid, DeliveryAttempt> Current, Dictionary<Guid, DateTime> LastWhatsApp,
        MessagingReach Reach, IReadOnlyDictionary<(string Name, string Language), string> Templates)
    {
        public OutageBreaker WhatsAppBreaker { get; } = Breakers.For(Channel.WhatsApp, Number.PhoneNumberId);
        public List<PlannedSend> Plans { get; } = [];
    }

    /// <summary>
    /// Plans the notifications <paramref name="ids"/> that <paramref name="holder"/> still claims and saves
    /// what it decided. <paramref name="whatsAppClosedUntil"/>: WhatsApp waits until then (number paused or warming up).
    /// </summary>
    public async Task<List<PlannedSend>> PlanAsync(IServiceProvider services, KabarDbContext db, List<Guid> ids, string holder,
        WhatsAppNumberOptions number, SendLimiter limiter, OutageBreakers breakers, DateTime? whatsAppClosedUntil, DateTime now,
        CancellationToken ct)
    {
        var pass = await LoadAsync(services.GetRequiredService<NotificationFlow>(), db, ids, holder, number, limiter, breakers,
            whatsAppClosedUntil, now, ct);
        try
        {
            foreach (var n in pass.Notifications)
            {
                PlanOne(pass, n);
            }

            // Only the writes take the write turn (SQLite's one writer): the reads and the
            // decisions above run beside the other numbers' writes.
            await db.SaveChangesInTurnAsync(gate, ct);
        }
        catch
        {
            // Nothing was sent: give the reserved slots back, or the number would stall, and
            // let the next pass probe a failing provider without waiting for a probe that never went.
            foreach (var plan in pass.Plans.Where(p => p.Channel == Channel.WhatsApp))
            {
                limiter.Return(now, plan.ReadyAt);
            }

            foreach (var breaker in new[] { pass.WhatsAppBreaker, breakers.For(Channel.Sms, number.PhoneNumberId), breakers.For(Channel.Email, number.PhoneNumberId) })
            {
                breaker.AbandonProbe();
            }

            throw;
        }

        return pass.Plans;
    }

    private async Task<Pass> LoadAsync(NotificationFlow flow, KabarDbContext db, List<Guid> ids, string holder, WhatsAppNumberOptions number,
        SendLimiter limiter, OutageBreakers breakers, DateTime? whatsAppClosedUntil, DateTime now, CancellationToken ct)
    {
        // Still this pass's claims: a process that took the number over while this one stalled
        // may have freed them (QueueStore.FreeClaimsAsync) and claimed them for itself.
        var notifications = await db.Notifications.Where(n => EF.Parameter(ids).Contains(n.Id) && n.LockedBy == holder).OrderBy(n => n.DueAt).ToListAsync(ct);
        var contactIds = notifications.Where(n => n.ContactId != null).Select(n => n.ContactId!.Value).Distinct().ToList();
        var contacts = await db.Contacts.Where(c => EF.Parameter(contactIds).Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var currentIds = notifications.Where(n => n.CurrentAttemptId != null).Select(n => n.CurrentAttemptId!.Value).ToList();
        var current = await db.DeliveryAttempts.Where(a => EF.Parameter(currentIds).Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);

        var pairSince = now - O.PairRateInterval;
        var lastWhatsApp = O.PairRateInterval <= TimeSpan.Zero ? [] : await QueueStore.LastWhatsAppAsync(db, contactIds, pairSince, ct);
        var reach = await MessagingReach.LoadAsync(db, whatsApp.Value.MessagingLimit, contactIds, now, ct);
        // Meta's template statuses (a small table): a contact gets their own language's template only once Meta approved it.
        var templates = (await db.WhatsAppTemplates.AsNoTracking().Select(t => new { t.Name, t.Language, t.Status }).ToListAsync(ct))
            .DistinctBy(t => (t.Name, t.Language)).ToDictionary(t => (t.Name, t.Language), t => t.Status);
        return new Pass(flow, db, number, limiter, breakers, whatsAppClosedUntil, now, notifications, contacts, current, lastWhatsApp, reach,
            templates);
    }

    private void PlanOne(Pass pass, Notification n)
    {
        var now = pass.Now;
        var attemptBefore = n.CurrentAttemptId is { } cid ? pass.Current.GetValueOrDefault(cid) : null;
        if (attemptBefore is { Status: AttemptStatus.Pending })
        {
            // Claimed again with an attempt that never recorded its answer: the process
            // stopped while the request may have been in flight. Wait for a status.
            // The grace runs from now, not from the try: after a long outage Meta's statuses
            // for the messages that did go out are still on their way.
            pass.Flow.Unknown(n, attemptBefore, now, "The process stopped before the provider's answer was recorded.");
            NotificationFlow.Requeue(n, now + O.UnknownOutcomeGrace, now);
            return;
        }

        if (attemptBefore is { Status: AttemptStatus.Unknown } && attemptBefore.UpdatedAt + O.UnknownOutcomeGrace > now)
        {
            NotificationFlow.Requeue(n, attemptBefore.UpdatedAt + O.UnknownOutcomeGrace, now);
            return;
        }

        if (n.ContactId is not { } contactId || !pass.Contacts.TryGetValue(contactId, out var contact))
        {
            NotificationFlow.Finish(n, NotificationState.Skipped, now);
            n.LastError = "The contact no longer exists.";
            return;
        }

        var type = NotificationCatalog.Find(n.Type);
        var route = DispatchRoute.Choose(new RouteNotice(n.Type, n.Kind, n.Category, n.Essential, n.Channel, n.FallbackReason,
            n.IncludeOptInLink, n.CampaignId, attemptBefore?.CreatedAt), DecisionInputs.From(contact), now, inputs.Policy, O.SkipFallbackTypes);
        if (!Apply(n, route, now))
        {
            return;
        }

        if (!n.Essential && !SystemNotificationTypes.IsAnswer(n.Type) && QuietHours.Until(now, policy.Value) is { } quietEnd)
        {
            n.State = NotificationState.Scheduled;
            n.DueAt = quietEnd;
            Release(n);
            return;
        }

        if (route.Channel == Channel.WhatsApp && attemptBefore is { Status: AttemptStatus.Unknown, Channel: Channel.WhatsApp }
            && n.WhatsAppTries >= O.MaxWhatsAppTries)
        {
            pass.Flow.FallBack(n, "whatsapp_no_answer", now);
            return;
        }

        var planned = route.Channel == Channel.WhatsApp
            ? PlanWhatsApp(pass, n, contact, type, route.Decision)
            : PlanOther(pass, n, contact, type, route.Channel, route.OptInLink);
        if (planned is not { } found)
        {
            return;
        }

        var (attempt, plan) = found;

        if (attemptBefore is { Status: AttemptStatus.Unknown })
        {
            // No status came for the earlier try within the grace period: send again and keep
            // the earlier try marked as a possible duplicate.
            attemptBefore.Ambiguous = true;
        }

        pass.Db.DeliveryAttempts.Add(attempt);
        n.CurrentAttemptId = attempt.Id;
        n.Channel = route.Channel;
        n.State = NotificationState.Sending;
        n.IncludeOptInLink = route.OptInLink;
        n.UpdatedAt = now;
        pass.Plans.Add(plan);
    }

    /// <summary>Records the route's decision and outcome on the notification; false when it goes nowhere.</summary>
    private bool Apply(Notification n, RouteChoice route, DateTime now)
    {
        if (route.Decision is { } decision)
        {
            metrics.Decided(decision, KabarMetrics.AtDispatch);
            n.DecisionJson = JsonSerializer.Serialize(decision, Json);
            n.Reason = EnumText<DecisionReason>.Name(decision.Reason);
        }

        if (route.Finish is { } state)
        {
            NotificationFlow.Finish(n, state, now);
            if (route.Error is not null)
            {
                n.LastError = route.Error;
            }
        }

        if (route.FallbackReason is not null)
        {
            n.FallbackReason = route.FallbackReason;
        }

        return route.Sends;
    }

    private (DeliveryAttempt, PlannedSend)? PlanWhatsApp(Pass pass, Notification n, Contact contact, NotificationType? type, Decision? decision)
    {
        var now = pass.Now;
        if (pass.WhatsAppClosedUntil is { } closedUntil)
        {
            NotificationFlow.Requeue(n, closedUntil, now);
            return null;
        }

        if (pass.LastWhatsApp.TryGetValue(contact.Id, out var lw) && lw + O.PairRateInterval > now)
        {
            NotificationFlow.Requeue(n, lw + O.PairRateInterval, now);
            return null;
        }

        var windowOpen = SendDecision.WindowExpiresAt(contact.LastInboundAt, inputs.Policy) is { } e && now < e;
        var counts = decision?.CountsAgainstMessagingLimit ?? !windowOpen;
        if (counts && !pass.Reach.CanReach(contact.Id))
        {
            if (n.Essential)
            {
                pass.Flow.FallBack(n, "messaging_limit", now);
            }
            else
            {
                NotificationFlow.Requeue(n, pass.Reach.NextFreeAt, now);
            }

            return null;
        }

        // Asked before a slot is taken: a slot reserved ahead cannot be handed back as it was.
        if (!pass.WhatsAppBreaker.Admits(now, out var heldUntil))
        {
            if (pass.WhatsAppBreaker.FallbackDue(n.Essential, now))
            {
                pass.Flow.FallBack(n, "whatsapp_outage", now);
            }
            else
            {
                NotificationFlow.Requeue(n, heldUntil, now);
            }

            return null;
        }

        if (!pass.Limiter.TryReserve(now, now + O.SendLookahead, out var readyAt))
        {
            Release(n);
            return null;
        }

        // Only this number's dispatcher plans its sends, so what Admits said still holds.
        pass.WhatsAppBreaker.TryPass(now, out _, out var probe);
        pass.Reach.Add(contact.Id, counts);
        pass.LastWhatsApp[contact.Id] = now;
        var attempt = NewAttempt(n, contact, Channel.WhatsApp, now);
        attempt.PhoneNumberId = pass.Number.PhoneNumberId;
        attempt.LeavesAt = readyAt > now ? readyAt : now;
        attempt.WindowOpen = windowOpen;
        attempt.CountsAgainstLimit = counts;
        attempt.Billable = decision?.Billable ?? false;
        attempt.PricingCategory = decision?.PriceCategory ?? "service";
        // Kabar's own keyword confirmations carry no decision: free-form text, allowed only by the window.
        attempt.Reason = decision is not null ? EnumText<DecisionReason>.Name(decision.Reason)
            : windowOpen ? EnumText<DecisionReason>.Name(DecisionReason.ServiceWindow) : null;
        var (to, userId) = MessageComposer.Recipient(contact);
        TemplateContent? template = null;
        if (n.Kind == MessageKind.Template && type is not null)
        {
            template = composer.Template(type, MessageComposer.ReadParams(n.ParamsJson), contact.Language, pass.Templates);
            attempt.TemplateName = template.Name;
        }

        var plan = new PlannedSend(n.Id, n.DueAt, attempt.Id, Channel.WhatsApp, pass.WhatsAppBreaker,
            new WhatsAppSendRequest(pass.Number.PhoneNumberId, pass.Number.AccessToken, to, userId, attempt.Id.ToString(),
                template, template is null ? n.Body : null), null, null, readyAt > now ? readyAt : null, probe, attempt.LeavesAt.Value);
        n.WhatsAppTries++;
        return (attempt, plan);
    }

    private (DeliveryAttempt, PlannedSend)? PlanOther(Pass pass, Notification n, Contact contact, NotificationType? type, Channel channel,
        bool optInLink)
    {
        var now = pass.Now;
        if (type is null && n.Type == SystemNotificationTypes.InboxReplyOutsideWindow)
        {
            return PlanAnswer(pass, n, contact, channel);
        }

        if (type is null)
        {
            NotificationFlow.Finish(n, NotificationState.Failed, now);
            n.LastError = $"No SMS or e-mail text for type {n.Type}.";
            return null;
        }

        var breaker = pass.Breakers.For(channel, pass.Number.PhoneNumberId);
        if (!breaker.TryPass(now, out var heldUntil, out var probe))
        {
            NotificationFlow.Requeue(n, heldUntil, now);
            return null;
        }

        var attempt = NewAttempt(n, contact, channel, now);
        var link = optInLink ? OptInLinks.Issue(pass.Db, composer.NewOptInLink(), contact, n.Id, now, O.OptInLinkLifetime) : null;
        var parameters = MessageComposer.ReadParams(n.ParamsJson);
        if (type.Name == NotificationCatalog.OptInRequest)
        {
            parameters["link"] = link ?? "";
        }

        // An experiment variant's request text, stored on a campaign's opt-in request when it was queued.
        var ownText = type.Name == NotificationCatalog.OptInRequest && !string.IsNullOrEmpty(n.Body) ? n.Body : null;
        PlannedSend plan;
        if (channel == Channel.Sms)
        {
            plan = new PlannedSend(n.Id, n.DueAt, attempt.Id, channel, breaker, null,
                new SmsMessage(contact.Phone!, composer.Sms(type, parameters, contact.Language, link, contact.Id, ownText), attempt.Id.ToString()),
                null, Probe: probe);
        }
        else
        {
            var (subject, body) = composer.Email(type, parameters, contact.Language, link, contact.Id, ownText);
            plan = new PlannedSend(n.Id, n.DueAt, attempt.Id, Channel.Email, breaker, null, null,
                new EmailMessage(contact.Email!, contact.Name, subject, body, null, attempt.Id.ToString()), Probe: probe);
        }

        n.FallbackTries++;
        return (attempt, plan);
    }

    /// <summary>An operator's answer by SMS or e-mail: the text as written, no template around it.</summary>
    private (DeliveryAttempt, PlannedSend)? PlanAnswer(Pass pass, Notification n, Contact contact, Channel channel)
    {
        var breaker = pass.Breakers.For(channel, pass.Number.PhoneNumberId);
        if (!breaker.TryPass(pass.Now, out var heldUntil, out var probe))
        {
            NotificationFlow.Requeue(n, heldUntil, pass.Now);
            return null;
        }

        var attempt = NewAttempt(n, contact, channel, pass.Now);
        var text = n.Body ?? "";
        PlannedSend plan;
        if (channel == Channel.Sms)
        {
            plan = new PlannedSend(n.Id, n.DueAt, attempt.Id, channel, breaker, null,
                new SmsMessage(contact.Phone!, composer.SmsAnswer(text, contact.Language, contact.Id), attempt.Id.ToString()), null, Probe: probe);
        }
        else
        {
            var (subject, body) = composer.EmailAnswer(text, contact.Language, contact.Id);
            plan = new PlannedSend(n.Id, n.DueAt, attempt.Id, Channel.Email, breaker, null, null,
                new EmailMessage(contact.Email!, contact.Name, subject, body, null, attempt.Id.ToString()), Probe: probe);
        }

        n.FallbackTries++;
        return (attempt, plan);
    }

    private static DeliveryAttempt NewAttempt(Notification n, Contact contact, Channel channel, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        NotificationId = n.Id,
        ContactId = contact.Id,
        Channel = channel,
        Status = AttemptStatus.Pending,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static void Release(Notification n)
    {
        n.LockedUntil = null;
        n.LockedBy = null;
    }
}
