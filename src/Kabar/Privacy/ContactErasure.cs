using System.Globalization;
using Kabar.Channels;
using Kabar.Citizens;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.OptIn;
using Kabar.Permits;
using Kabar.Statuses;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using static Kabar.Privacy.DataSubjects;

namespace Kabar.Privacy;

/// <summary>
/// Erases the person's data in one transaction (see docs/data-subject-requests.md for the
/// table-by-table rules): the profile, the raw evidence of the ledger, registrations, message
/// contents and parameters, provider recipient ids, permit links; pending notifications are
/// cancelled, opt-in links expire, and both consent scopes are withdrawn in the ledger so the
/// chain stays whole and says why. The contact row stays as a tombstone with the keyed hash of
/// the phone. Stored e-mail files go after the commit. Erasing an erased contact changes
/// nothing and is recorded as such.
/// </summary>
internal sealed class ContactErasure(IServiceScopeFactory scopes, ErasureRegistry erasures, WriteGate gate, EmailOutbox outbox,
    SmsSimulator sms, DeletedData deleted, ILogger logger)
{
    /// <summary>The tables an erasure changes or deletes from: their old row versions are purged after it.</summary>
    private static readonly Type[] ErasedTables =
    [
        typeof(Contact), typeof(ConsentEvent), typeof(Registration), typeof(Notification), typeof(DeliveryAttempt),
        typeof(WhatsAppStatusEvent), typeof(InboundMessage), typeof(Permit), typeof(OptInToken), typeof(WebhookInboxPost),
    ];

    /// <summary>One erasure: what it learns before and inside its transaction, kept across the transaction's retries.</summary>
    private sealed class Run(Guid id, RequestContext who, DateTime now)
    {
        public Guid Id { get; } = id;
        public RequestContext Who { get; } = who;
        public DateTime Now { get; } = now;
        public string? Hash { get; set; }
        public string? HashedPhone { get; set; }
        public List<string> Files { get; } = [];
        public string? SmsTo { get; set; }
    }

    public async Task<Result<Answer>> EraseAsync(Guid id, RequestContext who, DateTime now, CancellationToken ct)
    {
        var run = new Run(id, who, now);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var before = await db.Contacts.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Phone, c.WaId }).FirstOrDefaultAsync(ct);
            if (before is null)
            {
                return new(Status.NotFound, default);
            }

            // Outside the transaction: the first erasure creates the key (see ErasureRegistry).
            run.HashedPhone = before.Phone ?? PhoneNormalizer.FromWaId(before.WaId);
            run.Hash = run.HashedPhone is null ? null : await erasures.PhoneHashAsync(run.HashedPhone, ct);
        }

        // Status posts still in the webhook inbox hold recipients' numbers as Meta sent them:
        // expanded first, their rows are scrubbed with the rest below.
        await StatusInbox.ExpandAllAsync(scopes, gate, ct);

        var result = await scopes.RunWithRetryAsync((sp, t) => EraseInTransactionAsync(sp, run, t), ct);
        if (result is { Status: Status.Done, Value.Request.Outcome: DataSubjectRequestOutcome.Fulfilled })
        {
            // The rows are clean; the old copies in the database files (SQLite's write-ahead log,
            // PostgreSQL's dead row versions) go now, before the answer.
            await deleted.PurgeAsync(ErasedTables, "an erasure", ct);
            var removed = DeleteOutboxFiles(run.Files, result.Value.Contact.Id);
            if (run.SmsTo is not null)
            {
                sms.Forget(run.SmsTo);
            }

            logger.LogInformation("Contact {ContactId} erased at the request of {RequestedBy}; {Files} stored e-mail(s) removed",
                id, who.RequestedBy, removed);
        }

        return result;
    }

    private async Task<Result<Answer>> EraseInTransactionAsync(IServiceProvider sp, Run run, CancellationToken t)
    {
        var (id, who, now) = (run.Id, run.Who, run.Now);
        run.Files.Clear();
        var db = sp.GetRequiredService<KabarDbContext>();
        using var turn = await gate.EnterAsync(t);
        await using var tx = await db.Database.BeginTransactionAsync(t);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, t);
        if (contact is null)
        {
            return new Result<Answer>(Status.NotFound, default);
        }

        if (contact.ErasedAt is not null)
        {
            var again = NewRequest(id, DataSubjectRequestKind.Erasure, who, now, DataSubjectRequestOutcome.NoChange,
                $"already erased at {contact.ErasedAt.Value.ToString("o", CultureInfo.InvariantCulture)}");
            db.DataSubjectRequests.Add(again);
            await db.SaveChangesAsync(t);
            await tx.CommitAsync(t);
            return new Result<Answer>(Status.Done, new Answer(contact, again));
        }

        // The number changed since it was hashed (a concurrent update): the key exists by now.
        var phone = contact.Phone ?? PhoneNormalizer.FromWaId(contact.WaId);
        if (phone != run.HashedPhone)
        {
            run.Hash = phone is null ? null : await erasures.PhoneHashAsync(phone, t);
            run.HashedPhone = phone;
        }

        run.SmsTo = contact.Phone;
        var pii = new PiiTokens();
        pii.AddPhone(contact.Phone);
        pii.AddPhone(PhoneNormalizer.FromWaId(contact.WaId));
        pii.Add(contact.WaId, contact.BusinessScopedUserId, contact.Name, contact.Email);
        var detail = await ScrubRowsAsync(db, contact, pii, run, t);

        // 9. The ledger says what happened: both scopes withdrawn, by whom, for which request.
        var request = NewRequest(id, DataSubjectRequestKind.Erasure, who, now, DataSubjectRequestOutcome.Fulfilled, null);
        var ledger = sp.GetRequiredService<ConsentLedger>();
        foreach (var scope in new[] { ConsentScope.WhatsApp, ConsentScope.WhatsAppMarketing })
        {
            if (contact.ConsentFor(scope) != ConsentState.Withdrawn)
            {
                await ledger.AppendAsync(contact, scope, ConsentAction.Withdrawn, ConsentSource.Admin, now, now,
                    new ConsentEvidence { Operator = who.RequestedBy, Note = $"erasure request {request.Id}" }, t);
            }
        }

        // 10. The tombstone.
        contact.Phone = null;
        contact.WaId = null;
        contact.BusinessScopedUserId = null;
        contact.Name = null;
        contact.Email = null;
        contact.ErasedPhoneHash = run.Hash;
        contact.ErasedAt = now;
        contact.UpdatedAt = now;

        request.Detail = detail;
        db.DataSubjectRequests.Add(request);
        await db.SaveChangesAsync(t);
        await tx.CommitAsync(t);
        return new Result<Answer>(Status.Done, new Answer(contact, request));
    }

    /// <summary>Steps 1 to 8: every row that names the person, scrubbed; returns the request's detail (what was erased).</summary>
    private static async Task<string> ScrubRowsAsync(KabarDbContext db, Contact contact, PiiTokens pii, Run run, CancellationToken t)
    {
        var (id, now) = (run.Id, run.Now);
        var ledgerRows = await ScrubLedgerAsync(db, id, pii, t);
        var registrations = await ScrubRegistrationsAsync(db, id, pii, t);
        var (notifications, cancelled, notificationIds) = await ScrubNotificationsAsync(db, id, pii, now, t);
        var (attempts, statusRows) = await ScrubAttemptsAsync(db, id, notificationIds, pii, run.Files, t);

        // 6. What the person wrote.
        var inbound = await db.InboundMessages.Where(m => m.ContactId == id).ToListAsync(t);
        foreach (var m in inbound)
        {
            m.Body = null;
            m.Payload = null;
            Scrub(db, m, pii);
        }

        // 6b. Quarantined webhook posts that name the person (kept raw, so they go whole).
        var quarantined = await WebhookQuarantine.DeleteNamingAsync(db,
            [contact.WaId, run.HashedPhone?.TrimStart('+'), contact.BusinessScopedUserId], t);

        // 7. Permits: links may carry the holder's own access token; reminders stop (0 is below
        // every reminder offset, so the expiry scan never picks the permit again).
        var permits = await db.Permits.Where(p => p.HolderContactId == id).ToListAsync(t);
        foreach (var p in permits)
        {
            p.DownloadLink = null;
            p.RenewalLink = null;
            p.DetailLink = null;
            p.ExpiryRemindedDays = 0;
            p.UpdatedAt = now;
            Scrub(db, p, pii);
        }

        // 8. Opt-in links stop working.
        await db.OptInTokens.Where(o => o.ContactId == id && o.UsedAt == null && o.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ExpiresAt, now), t);

        return string.Create(CultureInfo.InvariantCulture,
            $"erased: profile, {ledgerRows} ledger evidence, {registrations} registrations, {notifications} notifications ({cancelled} cancelled), {attempts} attempts, {statusRows} status events, {inbound.Count} inbound messages, {quarantined} quarantined webhook posts, {permits.Count} permits");
    }

    /// <summary>1. The ledger: raw web evidence goes; its salted digest, which the chain commits to, stays.</summary>
    private static async Task<int> ScrubLedgerAsync(KabarDbContext db, Guid id, PiiTokens pii, CancellationToken t)
    {
        var evidence = await db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id && (e.Ip != null || e.UserAgent != null))
            .Select(e => new { e.Ip, e.UserAgent }).ToListAsync(t);
        foreach (var e in evidence)
        {
            pii.Add(e.Ip, e.UserAgent);
        }

        return await db.ConsentEvents.Where(e => e.ContactId == id && (e.Ip != null || e.UserAgent != null || e.EvidenceSalt != null))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Ip, (string?)null).SetProperty(e => e.UserAgent, (string?)null)
                .SetProperty(e => e.EvidenceSalt, (string?)null), t);
    }

    /// <summary>2. Registrations: what was typed into the form, and from where.</summary>
    private static async Task<int> ScrubRegistrationsAsync(KabarDbContext db, Guid id, PiiTokens pii, CancellationToken t)
    {
        var registrations = await db.Registrations.Where(r => r.ContactId == id).ToListAsync(t);
        foreach (var r in registrations)
        {
            pii.Add(r.Name, r.Email, r.Ip, r.UserAgent);
        }

        foreach (var r in registrations)
        {
            r.Name = Erased;
            r.Email = null;
            r.Ip = null;
            r.UserAgent = null;
            Scrub(db, r, pii);
        }

        return registrations.Count;
    }

    /// <summary>3. Notifications: pending ones are cancelled; parameters and texts go.</summary>
    private static async Task<(int Count, int Cancelled, List<Guid> Ids)> ScrubNotificationsAsync(KabarDbContext db, Guid id,
        PiiTokens pii, DateTime now, CancellationToken t)
    {
        var notifications = await db.Notifications.Where(n => n.ContactId == id).ToListAsync(t);
        var cancelled = 0;
        foreach (var n in notifications)
        {
            if (n.State is NotificationState.Queued or NotificationState.Scheduled)
            {
                n.State = NotificationState.Cancelled;
                n.LastError = "cancelled: the person's data was erased";
                n.LockedUntil = null;
                n.LockedBy = null;
                cancelled++;
            }

            n.FallbackDueAt = null;
            n.ParamsJson = "{}";
            n.Body = null;
            n.UpdatedAt = now;
            Scrub(db, n, pii);
        }

        return (notifications.Count, cancelled, notifications.Select(n => n.Id).ToList());
    }

    /// <summary>
    /// 4. Attempts: the facts stay for the statistics; error texts lose any personal data.
    /// 5. Status webhooks name the recipient (wa_id, business-scoped id).
    /// </summary>
    private static async Task<(int Count, int StatusRows)> ScrubAttemptsAsync(KabarDbContext db, Guid id, List<Guid> notificationIds,
        PiiTokens pii, List<string> files, CancellationToken t)
    {
        var attempts = await db.DeliveryAttempts.Where(a => a.ContactId == id || notificationIds.Contains(a.NotificationId)).ToListAsync(t);
        foreach (var a in attempts)
        {
            Scrub(db, a, pii);
            if (a.Channel == Channel.Email)
            {
                files.Add(EmailOutbox.FileNameFor(a.Id.ToString()));
            }
        }

        var attemptKeys = attempts.Select(a => a.Id.ToString()).ToList();
        var wamids = attempts.Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null).Select(a => a.ProviderMessageId!).ToList();
        var statusRows = 0;
        foreach (var chunk in attemptKeys.Chunk(500))
        {
            statusRows += await db.WhatsAppStatusEvents.Where(s => s.BizOpaqueCallbackData != null && chunk.Contains(s.BizOpaqueCallbackData))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RecipientId, (string?)null).SetProperty(x => x.RecipientUserId, (string?)null), t);
        }

        foreach (var chunk in wamids.Chunk(500))
        {
            statusRows += await db.WhatsAppStatusEvents.Where(s => chunk.Contains(s.Wamid))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RecipientId, (string?)null).SetProperty(x => x.RecipientUserId, (string?)null), t);
        }

        return (attempts.Count, statusRows);
    }

    /// <summary>Stored e-mail is a file, outside the transaction: removed once the erasure is committed.</summary>
    private int DeleteOutboxFiles(List<string> names, Guid contactId)
    {
        if (names.Count == 0 || !Directory.Exists(outbox.Root))
        {
            return 0;
        }

        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(outbox.Root, "*.eml", SearchOption.AllDirectories).ToList())
        {
            if (!wanted.Contains(Path.GetFileName(file)))
            {
                continue;
            }

            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException ex)
            {
                // The retention job removes it later; the erasure itself is already committed.
                logger.LogWarning(ex, "Could not remove a stored e-mail of erased contact {ContactId}", contactId);
            }
        }

        return removed;
    }

    /// <summary>Replaces any remaining personal data in every text column of a row.</summary>
    private static void Scrub(KabarDbContext db, object row, PiiTokens pii)
    {
        foreach (var property in db.Entry(row).Properties.Where(p => p.Metadata.ClrType == typeof(string)))
        {
            if (property.CurrentValue is string value && pii.Scrub(value) is var scrubbed && scrubbed != value)
            {
                var max = property.Metadata.GetMaxLength();
                property.CurrentValue = max is { } m && scrubbed.Length > m ? scrubbed[..m] : scrubbed;
            }
        }
    }
}
