using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Statuses;
using Microsoft.EntityFrameworkCore;

namespace Kabar.WhatsApp;

/// <summary>What one webhook POST changed.</summary>
internal sealed record WebhookOutcome(int Messages, int Duplicates, int Statuses, int ConsentChanges, int Replies);

/// <summary>
/// Applies one webhook batch in one transaction (SPEC §4): deduplicate on wamid, find or create
/// the contact, move the window forward only, apply keywords and the auto opt-in, queue the
/// keyword answers, record statuses, user preferences and template events. Either all of a batch
/// is stored or none of it, and a repeat of the same batch changes nothing.
/// </summary>
internal sealed partial class InboundProcessor(
    KabarDbContext db,
    ConsentLedger ledger,
    Keywords keywords,
    ConfirmationTexts confirmations,
    DecisionInputs inputs,
    NotificationWriter writer,
    CrashPoints crash,
    Privacy.ErasureRegistry erasures,
    TimeProvider time,
    ILogger<InboundProcessor> logger)
{
    private readonly HashSet<Guid> checkedNew = [];

    /// <summary>Resolves a contact; one created now whose number was erased before gets its withdrawal back (SPEC §11).</summary>
    private async Task<Contact> ResolveAsync(ContactResolver contacts, string? waId, string? userId, string? profileName, DateTime now,
        CancellationToken ct)
    {
        var contact = contacts.Resolve(waId, userId, profileName, now);
        if (!contacts.IsStored(contact.Id) && contact.LedgerSeq == 0 && checkedNew.Add(contact.Id))
        {
            await erasures.CarryOverAsync(db, contact, now, ct);
        }

        return contact;
    }

    /// <summary>
    /// Applies <paramref name="batch"/>; when parts of it were skipped and <paramref name="body"/>
    /// is given, the raw post goes into the quarantine in the same transaction.
    /// </summary>
    public async Task<WebhookOutcome> ProcessAsync(WebhookBatch batch, CancellationToken ct, byte[]? body = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var contacts = new ContactResolver(db);
        var fresh = await FreshAsync(batch.Messages, ct);
        await contacts.LoadAsync(
            fresh.Select(m => (m.WaId, m.UserId)).Concat(batch.UserPreferences.Select(p => (p.WaId, p.UserId))), ct);

        var applied = await ApplyMessagesAsync(fresh, contacts, now, ct);
        var consentChanges = applied.ConsentChanges + await ApplyUserPreferencesAsync(batch.UserPreferences, contacts, now, ct);
        await RecordTemplateEventsAsync(batch.TemplateStatuses, now, ct);
        foreach (var code in batch.AccountErrors)
        {
            LogAccountError(code);
        }

        if (batch.Skipped.Count > 0 && body is not null)
        {
            await WebhookQuarantine.AddAsync(db, body, batch.Skipped, now, logger, ct);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        var statusCount = await StatusInbox.RecordAsync(db, batch.Statuses, now, ct);
        crash.Hit(CrashPoints.WebhookIntake);
        foreach (var (contactId, at) in applied.WindowUpdates)
        {
            // Set-based and conditional, so a concurrent batch with a newer message wins.
            await db.Contacts
                .Where(c => c.Id == contactId && (c.LastInboundAt == null || c.LastInboundAt < at))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastInboundAt, at), ct);
        }

        await tx.CommitAsync(ct);

        if (batch.Malformed > 0)
        {
            LogMalformed(batch.Malformed);
        }

        if (batch.Repaired > 0)
        {
            LogRepaired(batch.Repaired);
        }

        return new WebhookOutcome(fresh.Count, batch.Messages.Count - fresh.Count, statusCount, consentChanges, applied.Replies);
    }

    /// <summary>1. Deduplicate on the wamid: within the batch, then against what is stored.</summary>
    private async Task<List<InboundItem>> FreshAsync(List<InboundItem> items, CancellationToken ct)
    {
        var messages = items
            .DistinctBy(m => m.Wamid)
            .OrderBy(m => m.SentAt)
            .ToList();
        var wamids = messages.Select(m => m.Wamid).ToList();
        var seen = wamids.Count == 0
            ? []
            : (await db.InboundMessages.Where(m => wamids.Contains(m.Wamid)).Select(m => m.Wamid).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
        return messages.Where(m => !seen.Contains(m.Wamid)).ToList();
    }

    /// <summary>What the new messages of a batch changed: each contact's latest message time, consent changes, answers queued.</summary>
    private sealed record MessagesApplied(Dictionary<Guid, DateTime> WindowUpdates, int ConsentChanges, int Replies);

    /// <summary>Stores each new message with its effect (SPEC §4 steps 2–5) and queues the keyword answers.</summary>
    private async Task<MessagesApplied> ApplyMessagesAsync(List<InboundItem> fresh, ContactResolver contacts, DateTime now,
        CancellationToken ct)
    {
        var windowUpdates = new Dictionary<Guid, DateTime>();
        var consentChanges = 0;
        var replies = 0;
        foreach (var message in fresh)
        {
            var contact = await ResolveAsync(contacts, message.WaId, message.UserId, message.ProfileName, now, ct);
            var effect = message.Type == "system"
                ? ApplySystem(contact, message, contacts)
                : await ApplyMessageAsync(contact, message, now, ct);
            if (effect is "opt_out" or "marketing_opt_out" or "opt_in" or "auto_opt_in")
            {
                consentChanges++;
            }

            if (message.Type != "system")
            {
                // 3. The window runs from the message's own time, never from a future one, and
                // an older message arriving late never shortens it.
                var sentAt = message.SentAt > now ? now : message.SentAt;
                if (!windowUpdates.TryGetValue(contact.Id, out var latest) || sentAt > latest)
                {
                    windowUpdates[contact.Id] = sentAt;
                }

                if (effect is "opt_out" or "marketing_opt_out" or "opt_in" && QueueReply(contact, message, effect, now))
                {
                    replies++;
                }
            }

            db.InboundMessages.Add(new InboundMessage
            {
                Id = Guid.CreateVersion7(),
                Wamid = message.Wamid,
                ContactId = contact.Id,
                PhoneNumberId = message.PhoneNumberId,
                Type = Limit(message.Type, 32)!,
                Body = Limit(message.Text, 4096),
                Payload = Limit(message.Payload, 512),
                ContextWamid = Limit(message.ContextWamid, 200),
                Effect = effect,
                SentAt = message.SentAt,
                ReceivedAt = now,
            });
        }

        return new MessagesApplied(windowUpdates, consentChanges, replies);
    }

    /// <summary>Keywords and the auto opt-in (SPEC §4 steps 4–5). Returns the effect, if any.</summary>
    private async Task<string?> ApplyMessageAsync(Contact contact, InboundItem message, DateTime now, CancellationToken ct)
    {
        var match = message.Type is "text" or "button" or "interactive"
            ? keywords.Match(message.Text, message.Payload)
            : KeywordMatch.None;
        var evidence = new ConsentEvidence { WhatsAppMessageId = message.Wamid };

        switch (match)
        {
            case KeywordMatch.OptOut:
                return await ChangeAsync(ConsentScope.WhatsApp, ConsentAction.Withdrawn, ConsentSource.InboundKeyword, "opt_out");
            case KeywordMatch.MarketingOptOut:
                return await ChangeAsync(ConsentScope.WhatsAppMarketing, ConsentAction.Withdrawn, ConsentSource.InboundKeyword, "marketing_opt_out");
            case KeywordMatch.OptIn:
                return await ChangeAsync(ConsentScope.WhatsApp, ConsentAction.Granted, ConsentSource.InboundKeyword, "opt_in");
        }

        // Any other message grants consent only from 'unknown' (the office's plan). After a STOP
        // it opens the window but does not re-grant: only a keyword, link or form does that.
        if (contact.WhatsAppConsent == ConsentState.Unknown)
        {
            return await ChangeAsync(ConsentScope.WhatsApp, ConsentAction.Granted, ConsentSource.InboundMessage, "auto_opt_in");
        }

        return null;

        async Task<string> ChangeAsync(ConsentScope scope, ConsentAction action, ConsentSource source, string effect)
        {
            // A keyword older than the latest recorded change of the same scope arrived late
            // (webhooks are unordered): it is kept as a message but does not overturn a newer
            // explicit choice. A newer *automatic* opt-in does not count as a choice: had the
            // messages arrived in order, the STOP would have come first and the later ordinary
            // message would not have re-granted.
            // Meta's timestamps are whole seconds: a keyword sent in the same second as a newer
            // change (a registration a moment earlier) is not "older" than it.
            if (contact.ConsentChangedAt(scope) is { } changedAt && message.SentAt + TimeSpan.FromSeconds(1) <= changedAt
                && await LatestSourceAsync(contact.Id, scope, ct) != ConsentSource.InboundMessage)
            {
                return "superseded";
            }

            await ledger.AppendAsync(contact, scope, action, source, message.SentAt, now, evidence, ct);
            return effect;
        }
    }

    private async Task<ConsentSource?> LatestSourceAsync(Guid contactId, ConsentScope scope, CancellationToken ct) =>
        db.ConsentEvents.Local.Where(e => e.ContactId == contactId && e.Scope == scope)
            .OrderByDescending(e => e.Seq).Select(e => (ConsentSource?)e.Source).FirstOrDefault()
        ?? await db.ConsentEvents.Where(e => e.ContactId == contactId && e.Scope == scope)
            .OrderByDescending(e => e.Seq).Select(e => (ConsentSource?)e.Source).FirstOrDefaultAsync(ct);

    /// <summary>A person's number or business-scoped id changed (system message): follow it.</summary>
    private string? ApplySystem(Contact contact, InboundItem message, ContactResolver contacts)
    {
        switch (message.SystemType)
        {
            case "user_changed_number" when message.SystemNewWaId is { } newWaId:
                var phone = PhoneNormalizer.FromWaId(newWaId);
                if (phone is not null && !contacts.PhoneTaken(phone, contact.Id))
                {
                    contact.WaId = newWaId;
                    contact.Phone = phone;
                    LogNumberChanged(contact.Id);
                    return "number_changed";
                }

                return null;
            case "user_changed_user_id" when message.SystemNewUserId is { } newUserId:
                contact.BusinessScopedUserId = newUserId;
                return "user_id_changed";
            default:
                return null;
        }
    }

    /// <summary>
    /// Queues the keyword answer as a free-form text. It only makes sense inside the window the
    /// keyword itself opened; an old keyword delivered late gets no answer.
    /// </summary>
    private bool QueueReply(Contact contact, InboundItem message, string effect, DateTime now)
    {
        if (SendDecision.WindowExpiresAt(message.SentAt, inputs.Policy) <= now)
        {
            return false;
        }

        var type = effect switch
        {
            "opt_out" => SystemNotificationTypes.OptOutConfirmation,
            "marketing_opt_out" => SystemNotificationTypes.MarketingOptOutConfirmation,
            _ => SystemNotificationTypes.OptInConfirmation,
        };
        writer.AddReply(db, contact, type, confirmations.For(type, contact.Language), message.PhoneNumberId,
            ReplyKey(message.Wamid), now);
        return true;
    }

    /// <summary>
    /// One answer per message: its idempotency key names the wamid. A wamid too long for the
    /// key's column (Meta's are about 60 characters; a message id may be up to 200) is named by
    /// its SHA-256, so the post is stored instead of refused by the database again and again.
    /// </summary>
    internal static string ReplyKey(string wamid)
    {
        const string prefix = "keyword-reply:";
        return prefix.Length + wamid.Length <= Notification.MaxIdempotencyKeyLength
            ? prefix + wamid
            : prefix + "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(wamid)));
    }

    /// <summary>WhatsApp's in-app "stop/resume marketing" (SPEC §4 step 6).</summary>
    private async Task<int> ApplyUserPreferencesAsync(List<UserPreferenceItem> items, ContactResolver contacts,
        DateTime now, CancellationToken ct)
    {
        var changes = 0;
        var applied = new HashSet<(Guid, DateTime, ConsentAction)>();
        foreach (var item in items.OrderBy(i => i.At))
        {
            if (item.Category != "marketing_messages" || item.Value is not ("stop" or "resume"))
            {
                continue;
            }

            var contact = await ResolveAsync(contacts, item.WaId, item.UserId, null, now, ct);
            var action = item.Value == "stop" ? ConsentAction.Withdrawn : ConsentAction.Granted;
            var at = ConsentChain.ToMilliseconds(item.At);
            if (!applied.Add((contact.Id, at, action))
                || (contact.MarketingConsentAt is { } changedAt && at < changedAt)
                || (contacts.IsStored(contact.Id) && await db.ConsentEvents.AnyAsync(e =>
                    e.ContactId == contact.Id && e.Source == ConsentSource.UserPreferencesWebhook
                    && e.Scope == ConsentScope.WhatsAppMarketing && e.Action == action && e.OccurredAt == at, ct)))
            {
                continue;
            }

            await ledger.AppendAsync(contact, ConsentScope.WhatsAppMarketing, action,
                ConsentSource.UserPreferencesWebhook, at, now, new ConsentEvidence { Note = $"user_preferences {item.Value}" }, ct);
            changes++;
        }

        return changes;
    }

    private async Task RecordTemplateEventsAsync(List<TemplateStatusItem> items, DateTime now, CancellationToken ct)
    {
        foreach (var t in items)
        {
            // The synced copy follows Meta at once, so the API refuses a paused template without
            // waiting for the next template-sync.
            var status = t.Event switch
            {
                "REINSTATED" => "APPROVED",
                "APPROVED" or "REJECTED" or "PAUSED" or "DISABLED" or "PENDING_DELETION" => t.Event,
                _ => null,
            };
            // Meta's names are at most 512 characters and its language codes short: anything longer
            // names no template Kabar could hold.
            if (status is not null && t.Name is { Length: > 0 and <= 512 } && t.Language is { Length: > 0 and <= 16 })
            {
                var row = db.WhatsAppTemplates.Local.FirstOrDefault(x => x.Name == t.Name && x.Language == t.Language)
                    ?? await db.WhatsAppTemplates.FirstOrDefaultAsync(x => x.Name == t.Name && x.Language == t.Language, ct);
                if (row is null)
                {
                    // Meta can approve a template within seconds of its submission, before the
                    // submitting command has recorded it: the approval is kept, and the submission
                    // or the next template-sync fills in its parameters.
                    row = new WhatsAppTemplate
                    {
                        Name = t.Name,
                        Language = t.Language,
                        RemoteId = Limit(t.TemplateId, 64),
                        Category = Limit(t.Category, 40),
                        SyncedAt = now,
                    };
                    db.WhatsAppTemplates.Add(row);
                }

                row.Status = status;
            }

            if (t.Event is "PAUSED" or "DISABLED" or "REJECTED" or "FLAGGED" or "PENDING_DELETION" or "CATEGORY_UPDATE")
            {
                LogTemplateAlert(t.Name ?? "?", t.Language ?? "?", t.Event, t.Reason ?? "");
            }

            db.TemplateStatusEvents.Add(new TemplateStatusEvent
            {
                TemplateId = Limit(t.TemplateId, 64),
                Name = Limit(t.Name, 512),
                Language = Limit(t.Language, 16),
                Event = Limit(t.Event, 40)!,
                Reason = Limit(t.Reason, 512),
                Category = Limit(t.Category, 40),
                ReceivedAt = now,
            });
        }
    }

    private static string? Limit(string? value, int max) => TextLimits.Cut(value, max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook carried {Count} malformed item(s); they were skipped")]
    private partial void LogMalformed(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp webhook: {Count} text field(s) held bytes that are no UTF-8, unpaired surrogates or NULs, shown as U+FFFD; their messages were kept")]
    private partial void LogRepaired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "WhatsApp reported account-level error {Code} in a webhook")]
    private partial void LogAccountError(int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Template {Name} ({Language}) changed: {Event} {Reason}")]
    private partial void LogTemplateAlert(string name, string language, string @event, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} changed their WhatsApp number")]
    private partial void LogNumberChanged(Guid contactId);
}
