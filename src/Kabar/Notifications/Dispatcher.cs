using System.Collections.Concurrent;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Kabar.OptIn;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>What one dispatch pass did.</summary>
public sealed record DispatchPass(int Claimed, int Sent, DateTime? NextFree)
{
    public static readonly DispatchPass NotHolder = new(0, 0, null);
}

/// <summary>
/// Claims due notifications of one business number, re-checks consent and decides at claim time,
/// records a pending attempt for each send before the request leaves, sends within the number's
/// rate, pair rate and the messaging limit, and records the answers (SPEC §6).
/// </summary>
public sealed partial class Dispatcher(
    IServiceScopeFactory scopes,
    WriteGate gate,
    IOptions<NotificationOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<PolicyOptions> policy,
    DecisionInputs inputs,
    IWhatsAppClient client,
    ISmsSender sms,
    IEmailSender email,
    MessageComposer composer,
    CrashPoints crash,
    KabarMetrics metrics,
    TimeProvider time,
    ILogger<Dispatcher> logger)
{
    private static readonly JsonSerializerOptions Json = NotificationWriter.Json;

    private readonly ConcurrentDictionary<string, SendLimiter> limiters = new();
    private readonly ConcurrentDictionary<string, DateTime> notBefore = new();
    private readonly ConcurrentDictionary<string, OutageBreaker> breakers = new();
    private readonly ConcurrentDictionary<string, DateTime> lastSweep = new();

    /// <summary>How often a pass renews its number's lease and sweeps for overdue deliveries.</summary>
    private static readonly TimeSpan SenderRenewEvery = TimeSpan.FromSeconds(1);

    /// <summary>This process's name in leases.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private NotificationOptions O => options.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public SendLimiter LimiterFor(WhatsAppNumberOptions number) =>
        limiters.GetOrAdd(number.PhoneNumberId, _ => new SendLimiter(number.MessagesPerSecond));

    /// <summary>The outage breaker of a business number, or of the SMS or e-mail provider.</summary>
    public OutageBreaker BreakerFor(string provider) => breakers.GetOrAdd(provider, p => new OutageBreaker(p, () => O));

    public static string WhatsAppProvider(string phoneNumberId) => $"whatsapp:{phoneNumberId}";

    private OutageBreaker BreakerFor(Channel channel, string phoneNumberId) => BreakerFor(channel switch
    {
        Channel.WhatsApp => WhatsAppProvider(phoneNumberId),
        Channel.Sms => "sms",
        _ => "email",
    });

    /// <summary>One pass for one business number; never waits for time to pass.</summary>
    public async Task<DispatchPass> RunOnceAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        await composer.EnsureReadyAsync(ct);
        var now = Now;
        SenderNumber? sender;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            // The number's row is read every pass (a pause set elsewhere must stop this pass); the
            // lease is written only when it is due for renewal and the sweep runs once a second:
            // on SQLite each write takes the one writer's turn, which sending needs.
            sender = await db.SenderNumbers.AsNoTracking().FirstOrDefaultAsync(s => s.PhoneNumberId == number.PhoneNumberId, ct);
            var renew = sender is not { LeaseUntil: { } until } || sender.LeaseHolder != Holder
                || until - now < O.SenderLease - SenderRenewEvery;
            var sweep = !lastSweep.TryGetValue(number.PhoneNumberId, out var swept) || now - swept >= SenderRenewEvery;
            if (renew || sweep)
            {
                using (await gate.EnterAsync(ct))
                {
                    if (renew)
                    {
                        sender = await QueueStore.HoldSenderAsync(db, number.PhoneNumberId, Holder, now, O.SenderLease, ct);
                        if (sender is null)
                        {
                            return DispatchPass.NotHolder;
                        }

                        if (sender is { LeaseHolder: { } gone, LeaseUntil: { } goneUntil } && gone != Holder)
                        {
                            // The previous holder let its lease run out (killed, or shut down): its
                            // claims on this number need not wait out their own lease.
                            var freed = await QueueStore.FreeClaimsAsync(db, number.PhoneNumberId, gone, ct);
                            LogTakenOver(number.PhoneNumberId, gone, goneUntil, freed);
                        }
                    }

                    if (sweep)
                    {
                        await SweepAsync(db, number.PhoneNumberId, now, ct);
                        lastSweep[number.PhoneNumberId] = now;
                    }
                }
            }

            if (sender is null)
            {
                return DispatchPass.NotHolder;
            }

            if (sender.LeaseHolder is { } previous && previous != Holder && sender.LeaseUntil is { } previousUntil)
            {
                // Taking the number over from another process: its last sends are not in this
                // process's limiter, so wait a second past the end of its lease.
                notBefore[number.PhoneNumberId] = previousUntil + TimeSpan.FromSeconds(1);
                // What this process once knew of the provider is stale; it learns afresh.
                BreakerFor(Channel.WhatsApp, number.PhoneNumberId).Reset();
            }
        }

        var breaker = BreakerFor(Channel.WhatsApp, number.PhoneNumberId);
        if (sender.PausedAt is null)
        {
            breaker.Resumed();
        }

        var limiter = LimiterFor(number);
        List<Planned> plans;
        int claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            // Claim no more than the number may send now: a claim that must be handed back
            // costs two writes and sends nothing.
            var room = Math.Min(O.BatchSize, limiter.Available(now, now + O.SendLookahead));
            if (breaker.WantsProbe(now))
            {
                // The provider was down and the pause is over: one send finds out whether it is back.
                room = Math.Min(room, 1);
            }
            if (room == 0)
            {
                return new DispatchPass(0, 0, limiter.NextFree(now));
            }

            List<Guid> ids;
            using (await gate.EnterAsync(ct))
            {
                ids = await QueueStore.ClaimAsync(db, number.PhoneNumberId, now, room, now + O.ClaimLease, Holder, ct);
            }

            claimed = ids.Count;
            if (claimed == 0)
            {
                return new DispatchPass(0, 0, limiter.NextFree(now));
            }

            crash.Hit(CrashPoints.BeforePlan);

            // WhatsApp waits while the number is paused (checked again each poll) or warming up.
            // While paused, look again in a minute; resuming wakes the queue at once.
            DateTime? whatsAppClosedUntil = sender.PausedAt is not null ? now + TimeSpan.FromMinutes(1)
                : notBefore.TryGetValue(number.PhoneNumberId, out var nb) && nb > now ? nb : null;
            try
            {
                plans = await PlanAsync(scope.ServiceProvider, db, ids, number, limiter, whatsAppClosedUntil, now, ct);
            }
            catch (Exception ex) when (ex.IsRetryableConflict())
            {
                // Another writer changed one of these notices while the pass decided (a late status
                // of an earlier try): nothing was written, and the next pass takes them up again.
                await using var again = scopes.CreateAsyncScope();
                using (await gate.EnterAsync(ct))
                {
                    await QueueStore.UnclaimAsync(again.ServiceProvider.GetRequiredService<KabarDbContext>(), ids, Holder, ct);
                }

                throw;
            }
        }

        crash.Hit(CrashPoints.AfterClaim);
        if (plans.Count == 0)
        {
            return new DispatchPass(claimed, 0, limiter.NextFree(Now));
        }

        var results = await SendAllAsync(plans, limiter, ct);
        await RecordAsync(results, ct);
        crash.Hit(CrashPoints.AfterCommit);
        return new DispatchPass(claimed, plans.Count, limiter.NextFree(Now));
    }

    /// <summary>
    /// Hands notifications of business numbers no longer configured (the sandbox number after
    /// going live, a removed number) to the first configured one, so none is stranded.
    /// </summary>
    public async Task<int> AdoptOrphansAsync(CancellationToken ct)
    {
        var numbers = whatsApp.Value.EffectiveNumbers.Select(n => n.PhoneNumberId).ToList();
        var first = numbers[0];
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        return await db.Notifications
            .Where(n => !numbers.Contains(n.PhoneNumberId) && (n.State == NotificationState.Queued
                || n.State == NotificationState.Scheduled || n.State == NotificationState.Sending || n.State == NotificationState.Sent))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.PhoneNumberId, first).SetProperty(n => n.Version, n => n.Version + 1), ct);
    }

    /// <summary>Gives up this process's sending leases (on shutdown).</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        foreach (var number in whatsApp.Value.EffectiveNumbers)
        {
            await QueueStore.ReleaseSenderAsync(db, number.PhoneNumberId, Holder, Now, ct);
        }
    }

    private static async Task SweepAsync(KabarDbContext db, string phoneNumberId, DateTime now, CancellationToken ct)
    {
        // Essential notices not delivered on WhatsApp in time go by SMS/e-mail (SPEC §6).
        await db.Notifications
            .Where(n => n.PhoneNumberId == phoneNumberId && n.State == NotificationState.Sent && n.FallbackDueAt <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.FallbackReason, "not_delivered_in_time")
                .SetProperty(n => n.FallbackDueAt, (DateTime?)null)
                .SetProperty(n => n.State, NotificationState.Queued)
                .SetProperty(n => n.DueAt, now)
                .SetProperty(n => n.UpdatedAt, now)
                .SetProperty(n => n.Version, n => n.Version + 1), ct);
    }

    /// <summary>Each person's last WhatsApp message since <paramref name="since"/> that reached Meta (the pair rate, SPEC §1).</summary>
    private static async Task<Dictionary<Guid, DateTime>> LastWhatsAppAsync(KabarDbContext db, List<Guid> contactIds, DateTime since,
        CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // Each person's newest WhatsApp attempt through (ContactId, Channel, CreatedAt), read
            // backwards. The time bound is applied to the result, not in the lookup: with it there,
            // statistics made stale by a burst let PostgreSQL walk the CreatedAt index instead (a
            // join took 6–10 ms, a max() per person 150–1,500 ms).
            return await db.Database.SqlQuery<LastSend>($"""
                SELECT c.id AS "ContactId", m.last AS "Last"
                FROM unnest({contactIds}) AS c(id)
                CROSS JOIN LATERAL (
                    SELECT a."CreatedAt" AS last FROM "DeliveryAttempts" a
                    WHERE a."ContactId" = c.id AND a."Channel" = 'whatsapp'
                      AND (a."Status" <> 'failed' OR a."ProviderMessageId" IS NOT NULL)
                    ORDER BY a."CreatedAt" DESC
                    LIMIT 1) m
                WHERE m.last > {since}
                """).ToDictionaryAsync(x => x.ContactId, x => x.Last, ct);
        }

        return await db.DeliveryAttempts
            .Where(a => a.ContactId != null && contactIds.Contains(a.ContactId.Value) && a.Channel == Channel.WhatsApp && a.CreatedAt > since
                && !(a.Status == AttemptStatus.Failed && a.ProviderMessageId == null)) // refused outright: nothing reached the person
            .GroupBy(a => a.ContactId!.Value)
            .Select(g => new { g.Key, Last = g.Max(a => a.CreatedAt) })
            .ToDictionaryAsync(x => x.Key, x => x.Last, ct);
    }

    private sealed record LastSend(Guid ContactId, DateTime Last);

    /// <summary>One send to make; <paramref name="DueAt"/> (when the notification became due) starts its send latency;
    /// <paramref name="Probe"/>: the one send that finds out whether a failing provider is back.</summary>
    private sealed record Planned(Guid NotificationId, DateTime DueAt, Guid AttemptId, Channel Channel, OutageBreaker Breaker,
        WhatsAppSendRequest? WhatsApp, SmsMessage? Sms, EmailMessage? Email, DateTime? ReadyAt = null, bool Probe = false);

    /// <summary>A send's answer; <paramref name="Held"/>: it never left, because its provider went down or its number was paused meanwhile.</summary>
    private sealed record Result(Planned Plan, WhatsAppSendResult? WhatsApp, ChannelSendResult? Other, DateTime At, bool Held = false);

    private async Task<List<Planned>> PlanAsync(IServiceProvider services, KabarDbContext db, List<Guid> ids,
        WhatsAppNumberOptions number, SendLimiter limiter, DateTime? whatsAppClosedUntil, DateTime now, CancellationToken ct)
    {
        var flow = services.GetRequiredService<NotificationFlow>();
        var whatsAppBreaker = BreakerFor(Channel.WhatsApp, number.PhoneNumberId);
        // Still this pass's claims: a process that took the number over while this one stalled
        // may have freed them (QueueStore.FreeClaimsAsync) and claimed them for itself.
        var notifications = await db.Notifications.Where(n => ids.Contains(n.Id) && n.LockedBy == Holder).OrderBy(n => n.DueAt).ToListAsync(ct);
        var contactIds = notifications.Where(n => n.ContactId != null).Select(n => n.ContactId!.Value).Distinct().ToList();
        var contacts = await db.Contacts.Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var currentIds = notifications.Where(n => n.CurrentAttemptId != null).Select(n => n.CurrentAttemptId!.Value).ToList();
        var current = await db.DeliveryAttempts.Where(a => currentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);

        var pairSince = now - O.PairRateInterval;
        var lastWhatsApp = O.PairRateInterval <= TimeSpan.Zero ? [] : await LastWhatsAppAsync(db, contactIds, pairSince, ct);
        var reach = await MessagingReach.LoadAsync(db, whatsApp.Value.MessagingLimit, contactIds, now, ct);

        var plans = new List<Planned>();
        try
        {
            await PlanEachAsync();
        }
        catch
        {
            // Nothing was sent: give the reserved slots back, or the number would stall, and
            // let the next pass probe a failing provider without waiting for a probe that never went.
            foreach (var plan in plans.Where(p => p.Channel == Channel.WhatsApp))
            {
                limiter.Return();
            }

            foreach (var breaker in new[] { whatsAppBreaker, BreakerFor(Channel.Sms, number.PhoneNumberId), BreakerFor(Channel.Email, number.PhoneNumberId) })
            {
                breaker.AbandonProbe();
            }

            throw;
        }

        return plans;

        async Task PlanEachAsync()
        {
            foreach (var n in notifications)
            {
                var attemptBefore = n.CurrentAttemptId is { } cid ? current.GetValueOrDefault(cid) : null;
                if (attemptBefore is { Status: AttemptStatus.Pending })
                {
                    // Claimed again with an attempt that never recorded its answer: the process
                    // stopped while the request may have been in flight. Wait for a status.
                    // The grace runs from now, not from the try: after a long outage Meta's statuses
                    // for the messages that did go out are still on their way.
                    flow.Unknown(n, attemptBefore, now, "The process stopped before the provider's answer was recorded.");
                    Requeue(n, now + O.UnknownOutcomeGrace);
                    continue;
                }

                if (attemptBefore is { Status: AttemptStatus.Unknown } && attemptBefore.UpdatedAt + O.UnknownOutcomeGrace > now)
                {
                    Requeue(n, attemptBefore.UpdatedAt + O.UnknownOutcomeGrace);
                    continue;
                }

                if (n.ContactId is not { } contactId || !contacts.TryGetValue(contactId, out var contact))
                {
                    NotificationFlow.Finish(n, NotificationState.Skipped, now);
                    n.LastError = "The contact no longer exists.";
                    continue;
                }

                var type = NotificationCatalog.Find(n.Type);
                var route = Route(n, type, contact, attemptBefore, now);
                if (route is null)
                {
                    continue;
                }

                var (channel, decision, optInLink) = route.Value;
                if (!n.Essential && !SystemNotificationTypes.IsSystem(n.Type) && QuietHours.Until(now, policy.Value) is { } quietEnd)
                {
                    n.State = NotificationState.Scheduled;
                    n.DueAt = quietEnd;
                    Release(n);
                    continue;
                }

                DeliveryAttempt attempt;
                Planned plan;
                if (channel == Channel.WhatsApp && attemptBefore is { Status: AttemptStatus.Unknown, Channel: Channel.WhatsApp }
                    && n.WhatsAppTries >= O.MaxWhatsAppTries)
                {
                    flow.FallBack(n, "whatsapp_no_answer", now);
                    continue;
                }

                if (channel == Channel.WhatsApp)
                {
                    if (whatsAppClosedUntil is { } closedUntil)
                    {
                        Requeue(n, closedUntil);
                        continue;
                    }

                    var last = lastWhatsApp.TryGetValue(contact.Id, out var l) ? l : (DateTime?)null;
                    if (last is { } lw && lw + O.PairRateInterval > now)
                    {
                        Requeue(n, lw + O.PairRateInterval);
                        continue;
                    }

                    var counts = decision?.CountsAgainstMessagingLimit ?? !WindowOpen(contact, now);
                    if (counts && !reach.CanReach(contact.Id))
                    {
                        if (n.Essential)
                        {
                            flow.FallBack(n, "messaging_limit", now);
                        }
                        else
                        {
                            Requeue(n, reach.NextFreeAt);
                        }

                        continue;
                    }

                    // Asked before a slot is taken: a slot reserved ahead cannot be handed back as it was.
                    if (!whatsAppBreaker.Admits(now, out var heldUntil))
                    {
                        HoldForOutage(n, whatsAppBreaker, heldUntil);
                        continue;
                    }

                    if (!limiter.TryReserve(now, now + O.SendLookahead, out var readyAt))
                    {
                        Release(n);
                        continue;
                    }

                    // Only this number's dispatcher plans its sends, so what Admits said still holds.
                    whatsAppBreaker.TryPass(now, out _, out var probe);

                    reach.Add(contact.Id, counts);
                    lastWhatsApp[contact.Id] = now;
                    attempt = NewAttempt(n, contact, Channel.WhatsApp, now);
                    attempt.PhoneNumberId = number.PhoneNumberId;
                    attempt.WindowOpen = WindowOpen(contact, now);
                    attempt.CountsAgainstLimit = counts;
                    attempt.Billable = decision?.Billable ?? false;
                    attempt.PricingCategory = decision?.PriceCategory ?? "service";
                    // Kabar's own keyword confirmations carry no decision: free-form text, allowed only by the window.
                    attempt.Reason = decision is not null ? Common.EnumText<DecisionReason>.Name(decision.Reason)
                        : attempt.WindowOpen ? Common.EnumText<DecisionReason>.Name(DecisionReason.ServiceWindow) : null;
                    var (to, userId) = MessageComposer.Recipient(contact);
                    TemplateContent? template = null;
                    if (n.Kind == MessageKind.Template && type is not null)
                    {
                        template = composer.Template(type, MessageComposer.ReadParams(n.ParamsJson));
                        attempt.TemplateName = template.Name;
                    }

                    plan = new Planned(n.Id, n.DueAt, attempt.Id, Channel.WhatsApp, whatsAppBreaker,
                        new WhatsAppSendRequest(number.PhoneNumberId, number.AccessToken, to, userId, attempt.Id.ToString(),
                            template, template is null ? n.Body : null), null, null, readyAt > now ? readyAt : null, probe);
                    n.WhatsAppTries++;
                }
                else
                {
                    if (type is null)
                    {
                        NotificationFlow.Finish(n, NotificationState.Failed, now);
                        n.LastError = $"No SMS or e-mail text for type {n.Type}.";
                        continue;
                    }

                    var channelBreaker = BreakerFor(channel, number.PhoneNumberId);
                    if (!channelBreaker.TryPass(now, out var heldUntil, out var probe))
                    {
                        Requeue(n, heldUntil);
                        continue;
                    }

                    attempt = NewAttempt(n, contact, channel, now);
                    string? link = null;
                    if (optInLink)
                    {
                        var (url, hash) = composer.NewOptInLink();
                        link = url;
                        db.OptInTokens.Add(new OptInToken
                        {
                            Id = Guid.CreateVersion7(),
                            TokenHash = hash,
                            ContactId = contact.Id,
                            Scope = ConsentScope.WhatsApp,
                            NotificationId = n.Id,
                            CreatedAt = now,
                            ExpiresAt = now + O.OptInLinkLifetime,
                        });
                        contact.LastOptInRequestAt = now;
                    }

                    var parameters = MessageComposer.ReadParams(n.ParamsJson);

                    if (type.Name == NotificationCatalog.OptInRequest)
                    {
                        parameters["link"] = link ?? "";
                    }

                    plan = channel == Channel.Sms
                        ? new Planned(n.Id, n.DueAt, attempt.Id, channel, channelBreaker, null,
                            new SmsMessage(contact.Phone!, composer.Sms(type, parameters, contact.Language, link, contact.Id, OwnText(n, type)), attempt.Id.ToString()), null, Probe: probe)
                        : ComposeEmail(n, attempt, type, parameters, contact, link, channelBreaker) with { Probe = probe };
                    n.FallbackTries++;
                }

                if (attemptBefore is { Status: AttemptStatus.Unknown })
                {
                    // No status came for the earlier try within the grace period: send again and keep
                    // the earlier try marked as a possible duplicate.
                    attemptBefore.Ambiguous = true;
                }

                db.DeliveryAttempts.Add(attempt);
                n.CurrentAttemptId = attempt.Id;
                n.Channel = channel;
                n.State = NotificationState.Sending;
                n.IncludeOptInLink = optInLink;
                n.UpdatedAt = now;
                plans.Add(plan);
            }

            // Only the writes take the write turn (SQLite's one writer): the reads and the
            // decisions above run beside the other numbers' writes.
            await db.SaveChangesInTurnAsync(gate, ct);
        }

        void Requeue(Notification n, DateTime dueAt) => NotificationFlow.Requeue(n, dueAt, now);

        void HoldForOutage(Notification n, OutageBreaker breaker, DateTime heldUntil)
        {
            if (OutageFallbackDue(n, breaker, now))
            {
                flow.FallBack(n, "whatsapp_outage", now);
            }
            else
            {
                Requeue(n, heldUntil);
            }
        }

        (Channel, Decision?, bool)? Route(Notification n, NotificationType? type, Contact contact, DeliveryAttempt? before, DateTime at)
        {
            if (n.FallbackReason is not null)
            {
                var fallback = SendDecision.FallbackChannel(DecisionInputs.From(contact), inputs.Policy);
                if (fallback == Channel.Sms && before is not null && n.Channel == Channel.Email)
                {
                    // The SMS could not be delivered: e-mail is the last way to reach the person.
                    fallback = contact.Email is not null ? Channel.Email : Channel.None;
                }

                if (fallback == Channel.None)
                {
                    NotificationFlow.Finish(n, NotificationState.Failed, at);
                    n.LastError = "No SMS-capable phone or e-mail address to fall back to.";
                    return null;
                }

                return (fallback, null, n.IncludeOptInLink);
            }

            if (SystemNotificationTypes.IsSystem(n.Type))
            {
                // Keyword confirmations answer the person's own message: free-form text inside the
                // window they just opened, even after a STOP (the only WhatsApp message then allowed).
                if (WindowOpen(contact, at))
                {
                    return (Channel.WhatsApp, null, false);
                }

                NotificationFlow.Finish(n, NotificationState.Skipped, at);
                n.LastError = "The customer service window closed before the confirmation could go out.";
                return null;
            }

            if (n.Type == NotificationCatalog.OptInRequest)
            {
                var subject = DecisionInputs.From(contact);
                var channel = SendDecision.FallbackChannel(subject, inputs.Policy);
                if (n.Channel is Channel.Sms or Channel.Email)
                {
                    // A campaign chose the channel when it queued the request (an e-mail-only campaign
                    // must not turn into an SMS); it still needs the address.
                    channel = n.Channel == Channel.Email ? (contact.Email is null ? Channel.None : Channel.Email)
                        : channel == Channel.Sms ? Channel.Sms : Channel.None;
                }

                // A campaign reserved the cooldown for this very request when it queued it (the
                // guarded update of LastOptInRequestAt), so its own reservation is not "asked recently".
                var reserved = n.IdempotencyKey?.StartsWith(Campaigns.CampaignRunner.CampaignKeyPrefix, StringComparison.Ordinal) == true;
                // Nor is a request this very notice made before, whose send failed or was held.
                var asked = !reserved && contact.LastOptInRequestAt is { } a && at - a < inputs.Policy.OptInCooldown
                    && !(before is not null && a >= before.CreatedAt);
                if (channel == Channel.None || asked || contact.WhatsAppConsent != ConsentState.Unknown)
                {
                    NotificationFlow.Finish(n, NotificationState.Skipped, at);
                    n.LastError = asked ? "An opt-in request went out within the cooldown." : channel == Channel.None
                        ? "No SMS-capable phone or e-mail address." : "The person already chose.";
                    return null;
                }

                return (channel, null, true);
            }

            var decision = SendDecision.Decide(DecisionInputs.From(contact),
                new DecisionMessage(n.Kind, n.Category), at, inputs.Policy);
            metrics.Decided(decision, KabarMetrics.AtDispatch);
            n.DecisionJson = JsonSerializer.Serialize(decision, Json);
            n.Reason = Common.EnumText<DecisionReason>.Name(decision.Reason);
            if (decision.Channel == Channel.WhatsApp)
            {
                return (Channel.WhatsApp, decision, false);
            }

            if (decision.Channel == Channel.None)
            {
                NotificationFlow.Finish(n, NotificationState.Skipped, at);
                n.FallbackReason = EnumText<DecisionReason>.Name(decision.Reason);
                return null;
            }

            if (!n.Essential && O.SkipFallbackTypes.Contains(n.Type, StringComparer.Ordinal))
            {
                NotificationFlow.Finish(n, NotificationState.Skipped, at);
                n.FallbackReason = EnumText<DecisionReason>.Name(decision.Reason);
                return null;
            }

            n.FallbackReason = EnumText<DecisionReason>.Name(decision.Reason);
            return (decision.Channel, decision, decision.IncludesOptInLink);
        }
    }

    private Planned ComposeEmail(Notification n, DeliveryAttempt attempt, NotificationType type,
        Dictionary<string, string> parameters, Contact contact, string? link, OutageBreaker breaker)
    {
        var (subject, body) = composer.Email(type, parameters, contact.Language, link, contact.Id, OwnText(n, type));
        return new Planned(n.Id, n.DueAt, attempt.Id, Channel.Email, breaker, null, null,
            new EmailMessage(contact.Email!, contact.Name, subject, body, null, attempt.Id.ToString()));
    }

    /// <summary>An experiment variant's request text, stored on a campaign's opt-in request when it was queued.</summary>
    private static string? OwnText(Notification n, NotificationType type) =>
        type.Name == NotificationCatalog.OptInRequest && !string.IsNullOrEmpty(n.Body) ? n.Body : null;

    /// <summary>An essential notice held by a WhatsApp outage longer than <see cref="NotificationOptions.OutageFallbackAfter"/> goes by SMS/e-mail.</summary>
    private bool OutageFallbackDue(Notification n, OutageBreaker breaker, DateTime now) =>
        n.Essential && breaker.OutageSince is { } since && now - since >= O.OutageFallbackAfter;

    private bool WindowOpen(Contact contact, DateTime now) =>
        SendDecision.WindowExpiresAt(contact.LastInboundAt, inputs.Policy) is { } e && now < e;

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

    private async Task<List<Result>> SendAllAsync(List<Planned> plans, SendLimiter limiter, CancellationToken ct)
    {
        var results = new Result[plans.Count];
        using var gate = new SemaphoreSlim(O.MaxConcurrentSends);
        var accepted = 0;
        var tasks = plans.Select(async (plan, i) =>
        {
            await gate.WaitAsync(ct);
            try
            {
                results[i] = await SendOneAsync(plan, limiter, ct);
                if (results[i].WhatsApp?.Outcome == SendOutcome.Accepted || results[i].Other?.Outcome == SendOutcome.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        if (accepted > 0)
        {
            crash.Hit(CrashPoints.AfterAccept);
        }

        return [.. results];
    }

    private async Task<Result> SendOneAsync(Planned plan, SendLimiter limiter, CancellationToken ct)
    {
        var result = await SendOrCrashAsync(plan, limiter, ct);
        if (result.Held)
        {
            return result;
        }

        Report(result);
        // Counted here, once per answer, not where answers are recorded: recording is retried
        // as a whole on a write conflict and would count the same send twice.
        var outcome = result.WhatsApp?.Outcome ?? result.Other!.Outcome;
        metrics.Send(plan.Channel, outcome);
        if (outcome == SendOutcome.Accepted)
        {
            metrics.Accepted(plan.Channel, result.At - plan.DueAt);
        }

        return result;
    }

    private async Task<Result> SendOrCrashAsync(Planned plan, SendLimiter limiter, CancellationToken ct)
    {
        try
        {
            switch (plan.Channel)
            {
                case Channel.WhatsApp:
                    var left = false;
                    try
                    {
                        // Timers round to whole milliseconds and may wake a little early: wait
                        // until the slot is really free, with a millisecond to spare.
                        while (plan.ReadyAt is { } readyAt && Now <= readyAt)
                        {
                            await Task.Delay(readyAt - Now + TimeSpan.FromMilliseconds(1), time, ct);
                        }

                        if (!plan.Probe && plan.Breaker.Holds())
                        {
                            return new Result(plan, null, null, Now, Held: true);
                        }

                        left = true;
                        var answer = await client.SendAsync(plan.WhatsApp!, ct);
                        return new Result(plan, answer, null, Now);
                    }
                    finally
                    {
                        if (left)
                        {
                            limiter.Release(Now);
                        }
                        else
                        {
                            limiter.Return(); // the slot was never used
                        }
                    }

                case var _ when !plan.Probe && plan.Breaker.Holds():
                    return new Result(plan, null, null, Now, Held: true);
                case Channel.Sms:
                    return new Result(plan, null, await sms.SendAsync(plan.Sms!, ct), Now);
                default:
                    return new Result(plan, null, await email.SendAsync(plan.Email!, ct), Now);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever went wrong, the request may have left: treat the outcome as unknown.
            LogSendCrashed(ex, plan.NotificationId);
            return plan.Channel == Channel.WhatsApp
                ? new Result(plan, new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: ex.GetType().Name), null, Now)
                : new Result(plan, null, new ChannelSendResult(SendOutcome.Unknown, Error: ex.GetType().Name), Now);
        }
    }

    /// <summary>A failed probe's notice waits past the next probe, so probes go round the backlog.</summary>
    private DateTime AfterProbe(Planned plan, DateTime until) => plan.Probe ? until + O.OutageProbeMax : until;

    /// <summary>Tells the provider's breaker how it answered, in the order the answers came.</summary>
    private void Report(Result result)
    {
        var breaker = result.Plan.Breaker;
        bool? working = result switch
        {
            { WhatsApp.Outcome: SendOutcome.Accepted } or { Other.Outcome: SendOutcome.Accepted } => true,
            { WhatsApp.Outcome: SendOutcome.Unknown } or { Other.Outcome: SendOutcome.Unknown } => false,
            { WhatsApp: { } wa } => ErrorTable.For(wa.ErrorCode) switch
            {
                ErrorAction.Retry => false,
                ErrorAction.AccountProblem => null,
                _ => true, // refused for this message's own reasons: the provider is up
            },
            { Other: { } other } => !other.Retryable,
            _ => null,
        };
        if (result.WhatsApp is { Outcome: SendOutcome.Failed } failed && ErrorTable.For(failed.ErrorCode) == ErrorAction.AccountProblem)
        {
            breaker.Pause(); // what has not left yet of this pass stays unsent
        }

        if (working == true && breaker.Succeeded(result.At) is { } lasted)
        {
            LogProviderBack(breaker.Provider, lasted);
        }
        else if (working == false && breaker.Failed(result.At, result.WhatsApp?.RetryAfter, result.Plan.Probe) is { } until)
        {
            LogProviderDown(breaker.Provider, until - result.At, result.WhatsApp?.ErrorCode);
        }
    }

    private Task<bool> RecordAsync(List<Result> results, CancellationToken ct) => scopes.RunWithRetryAsync(async (sp, token) =>
    {
        var db = sp.GetRequiredService<KabarDbContext>();
        var flow = sp.GetRequiredService<NotificationFlow>();
        var notificationIds = results.Select(r => r.Plan.NotificationId).ToList();
        var attemptIds = results.Select(r => r.Plan.AttemptId).ToList();
        var notifications = await db.Notifications.Where(n => notificationIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, token);
        var attempts = await db.DeliveryAttempts.Where(a => attemptIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, token);
        foreach (var r in results)
        {
            var n = notifications[r.Plan.NotificationId];
            var a = attempts[r.Plan.AttemptId];
            var heldUntil = r.Plan.Breaker.HeldUntil(r.At);
            if (r.Held)
            {
                flow.HeldByOutage(n, a, null, heldUntil is null ? "Not sent: held back while the provider was failing."
                        : "Not sent: the provider is failing or the number is paused; waiting for it.",
                    heldUntil ?? r.At, r.Plan.Channel == Channel.WhatsApp && OutageFallbackDue(n, r.Plan.Breaker, r.At), refund: true, r.At);
            }
            else if (r.WhatsApp is { } wa)
            {
                switch (wa.Outcome)
                {
                    case SendOutcome.Failed when heldUntil is { } until && ErrorTable.For(wa.ErrorCode) == ErrorAction.Retry
                        && (r.Plan.Probe || n.WhatsAppTries < O.MaxWhatsAppTries):
                        // The provider is down: wait for it rather than back off alone. The try is
                        // spent (it went out), so a message that keeps failing still ends in the
                        // fallback — except a failed probe's, which measured the provider, not the
                        // message, and goes to the back so the next probe is another notice.
                        flow.HeldByOutage(n, a, wa.ErrorCode, wa.ErrorTitle ?? $"HTTP {wa.HttpStatus}", AfterProbe(r.Plan, until),
                            OutageFallbackDue(n, r.Plan.Breaker, r.At), refund: r.Plan.Probe, r.At);
                        break;
                    case SendOutcome.Accepted:
                        a.ProviderMessageId ??= wa.MessageId;
                        flow.Advance(a, AttemptStatus.Accepted, r.At, r.At);
                        flow.Progress(n, a, r.At);
                        n.PairRateHits = 0;
                        break;
                    case SendOutcome.Failed:
                        await flow.WhatsAppFailedAsync(n, a, wa.ErrorCode, wa.ErrorTitle ?? $"HTTP {wa.HttpStatus}", wa.RetryAfter, r.At, r.At, token);
                        break;
                    default:
                        if (r.Plan.Probe && heldUntil is { } probedUntil)
                        {
                            flow.UnknownProbe(n, a, AfterProbe(r.Plan, probedUntil), r.At);
                        }
                        else
                        {
                            flow.Unknown(n, a, r.At, "No answer from the WhatsApp Cloud API.");
                        }

                        break;
                }
            }
            else if (r.Other is { } other)
            {
                switch (other.Outcome)
                {
                    case SendOutcome.Failed when heldUntil is { } until && other.Retryable && (r.Plan.Probe || n.FallbackTries < O.MaxFallbackTries):
                        flow.HeldByOutage(n, a, null, other.Error, AfterProbe(r.Plan, until), fallBack: false, refund: r.Plan.Probe, r.At);
                        break;
                    case SendOutcome.Accepted:
                        a.ProviderMessageId ??= other.ProviderMessageId;
                        flow.Advance(a, AttemptStatus.Accepted, r.At, r.At);
                        flow.Progress(n, a, r.At);
                        break;
                    case SendOutcome.Failed:
                        flow.ChannelFailed(n, a, other, r.At);
                        break;
                    default:
                        flow.Unknown(n, a, r.At, other.Error ?? "No answer from the provider.");
                        break;
                }
            }
        }

        await db.SaveChangesInTurnAsync(gate, token);
        return true;
    }, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took business number {PhoneNumberId} over from {Previous}, whose lease ended at {LeaseUntil:o}; {Freed} of its claims freed")]
    private partial void LogTakenOver(string phoneNumberId, string previous, DateTime leaseUntil, int freed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} is failing (last error {Code}): its sends are held for {Pause}, then one probe goes alone; sends that had not left keep their tries")]
    private partial void LogProviderDown(string provider, TimeSpan pause, int? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} answers again after {Lasted}: the held sends go now")]
    private partial void LogProviderBack(string provider, TimeSpan lasted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending notification {NotificationId} threw; its outcome is treated as unknown")]
    private partial void LogSendCrashed(Exception ex, Guid notificationId);
}
