using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Citizens;
using Kabar.Common;
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
using Microsoft.Extensions.Options;

namespace Kabar.Privacy;

/// <summary>
/// Answers data subject requests (UU 27/2022 PDP Art. 6–8; SPEC §11): access (a JSON copy of
/// everything Kabar holds), rectification (name, e-mail, language) and erasure. Each answer is
/// recorded as a <see cref="DataSubjectRequest"/> in the same transaction as its effect. The API
/// and the console both come here, so they behave alike.
/// </summary>
public sealed class DataSubjects(IServiceScopeFactory scopes, ErasureRegistry erasures, WriteGate gate, EmailOutbox outbox,
    SmsSimulator sms, DeletedData deleted, TimeProvider time, IOptions<OfficeOptions> office, ILogger<DataSubjects> logger)
{
    /// <summary>The tables an erasure changes or deletes from: their old row versions are purged after it.</summary>
    private static readonly Type[] ErasedTables =
    [
        typeof(Contact), typeof(ConsentEvent), typeof(Registration), typeof(Notification), typeof(DeliveryAttempt),
        typeof(WhatsAppStatusEvent), typeof(InboundMessage), typeof(Permit), typeof(OptInToken), typeof(WebhookInboxPost),
    ];

    /// <summary>What replaces a required text that held personal data.</summary>
    public const string Erased = "[dihapus]";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public enum Status
    {
        Done,
        NotFound,
        Invalid,
        Erased,
    }

    public sealed record Answer(Contact Contact, DataSubjectRequest Request);

    public sealed record Result<T>(Status Status, T? Value, string? Field = null, string? Problem = null);

    // ---------------------------------------------------------------- access

    /// <summary>The person's data as JSON, and the access request recorded; null when the contact does not exist.</summary>
    public async Task<ContactExport?> ExportAsync(Guid id, RequestContext who, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            if (!await db.Contacts.AnyAsync(c => c.Id == id, t))
            {
                return null;
            }

            // The request is recorded first, so the export lists itself among the person's requests.
            var request = NewRequest(id, DataSubjectRequestKind.Access, who, now, DataSubjectRequestOutcome.Fulfilled, "JSON export");
            db.DataSubjectRequests.Add(request);
            await db.SaveChangesAsync(t);
            return await BuildExportAsync(db, id, now, t);
        }, ct);
    }

    private async Task<ContactExport> BuildExportAsync(KabarDbContext db, Guid id, DateTime now, CancellationToken ct)
    {
        var c = await db.Contacts.AsNoTracking().FirstAsync(x => x.Id == id, ct);
        var ledger = await db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id).OrderBy(e => e.Seq).ToListAsync(ct);
        var versions = ledger.Select(e => e.TextVersion).OfType<string>().Distinct().ToList();
        var registrations = await db.Registrations.AsNoTracking().Where(r => r.ContactId == id).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        versions.AddRange(registrations.Select(r => r.ConsentTextVersion));
        versions = [.. versions.Distinct()];
        var texts = await db.ConsentTexts.AsNoTracking().Where(x => versions.Contains(x.Version)).OrderBy(x => x.Version).ToListAsync(ct);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.ContactId == id).OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var notificationIds = notifications.Select(n => n.Id).ToList();
        var attempts = await db.DeliveryAttempts.AsNoTracking().Where(a => notificationIds.Contains(a.NotificationId))
            .OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var attemptIds = attempts.Select(a => a.Id).ToList();
        var history = (await db.AttemptStatusChanges.AsNoTracking().Where(h => attemptIds.Contains(h.AttemptId)).OrderBy(h => h.Id).ToListAsync(ct))
            .ToLookup(h => h.AttemptId);
        var attemptsBy = attempts.ToLookup(a => a.NotificationId);
        var inbound = await db.InboundMessages.AsNoTracking().Where(m => m.ContactId == id).OrderBy(m => m.SentAt).ToListAsync(ct);
        var permits = await db.Permits.AsNoTracking().Where(p => p.HolderContactId == id).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var documents = await db.PermitDocuments.AsNoTracking().Where(d => d.AssigneeContactId == id).OrderBy(d => d.PendingSince).ToListAsync(ct);
        var links = await db.OptInTokens.AsNoTracking().Where(o => o.ContactId == id).OrderBy(o => o.CreatedAt)
            .Select(o => new ExportOptInLink(o.Id, o.Scope, o.NotificationId, o.CreatedAt, o.ExpiresAt, o.UsedAt)).ToListAsync(ct);
        var requests = await db.DataSubjectRequests.AsNoTracking().Where(r => r.ContactId == id).OrderBy(r => r.AnsweredAt).ToListAsync(ct);
        var asks = await db.CampaignAsks.AsNoTracking().Where(a => a.ContactId == id).OrderBy(a => a.AskedAt)
            .Join(db.Campaigns, a => a.CampaignId, k => k.Id, (a, k) => new { Ask = a, k.Name }).ToListAsync(ct);

        return new ContactExport(
            "kabar-contact-export-v1",
            now,
            office.Value.Name,
            new ExportProfile(c.Id, c.Phone, c.WaId, c.BusinessScopedUserId, c.Name, c.Email, c.Language,
                new ConsentStates(c.WhatsAppConsent, c.MarketingConsent), c.WhatsAppConsentAt, c.MarketingConsentAt, c.LastInboundAt,
                c.UndeliverableAt, c.LastOptInRequestAt, c.CreatedAt, c.UpdatedAt, c.ErasedAt),
            [.. ledger.Select(e => e.ToResponse())],
            [.. texts.Select(x => new ExportConsentText(x.Version, x.Hash, x.Language, x.Text))],
            [.. registrations.Select(r => new ExportRegistration(r.Id, r.Reference, r.Name, r.Email, r.PermitType, r.Language,
                r.WhatsAppConsent, r.ConsentTextVersion, r.ConsentEventId, r.NotificationId, r.Ip, r.UserAgent, r.CreatedAt))],
            [.. notifications.Select(n => new ExportNotification(n.Id, n.Type, n.State, n.Channel, n.Kind, n.Category, n.Basis,
                n.Essential, Json(n.ParamsJson) ?? EmptyObject, n.Body, Json(n.DecisionJson), n.Reason, n.FallbackReason, n.PermitId,
                n.LastErrorCode, n.LastError, n.DueAt, n.CreatedAt, n.UpdatedAt,
                [.. attemptsBy[n.Id].Select(a => new ExportAttempt(a.Id, a.Channel, a.Status, a.ProviderMessageId, a.TemplateName,
                    a.ErrorCode, a.Error, a.WindowOpen, a.Reason, a.Billable, a.PricingCategory, a.CreatedAt,
                    [.. history[a.Id].Select(h => new ExportStatus(h.Status, h.At, h.ErrorCode))]))]))],
            [.. inbound.Select(m => new ExportInbound(m.Id, m.Wamid, m.Type, m.Body, m.Payload, m.ContextWamid, m.Effect, m.SentAt, m.ReceivedAt))],
            [.. permits.Select(p => new ExportPermit(p.Id, p.ExternalRef, p.PermitNumber, p.PermitType, p.Status, p.IssuedOn, p.ExpiresOn,
                p.RegistrationId, p.DownloadLink, p.RenewalLink, p.DetailLink, p.CreatedAt, p.UpdatedAt))],
            [.. documents.Select(d => new ExportDocument(d.Id, d.PermitId, d.Name, d.Role, d.PendingSince, d.DoneAt))],
            links,
            [.. asks.Select(x => new ExportCampaignAsk(x.Ask.Id, x.Ask.CampaignId, x.Name, Common.EnumText<Campaigns.AskOutcome>.Name(x.Ask.Outcome),
                x.Ask.SkipReason, x.Ask.Channel, x.Ask.ExperimentId, x.Ask.VariantKey, x.Ask.NotificationId, x.Ask.AskedAt,
                x.Ask.AttributionEndsAt, x.Ask.OpenedAt))],
            [.. requests.Select(r => r.ToResponse())]);
    }

    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    // ---------------------------------------------------------------- rectification

    /// <summary>
    /// Corrects name, e-mail and language. A phone number is not corrected: a different number is
    /// a different WhatsApp identity with its own consent, so it is a new contact (the old one can
    /// then be erased). The request is recorded with the names of the fields changed, never their values.
    /// </summary>
    public async Task<Result<Answer>> CorrectAsync(Guid id, ContactCorrection input,
        RequestContext who, CancellationToken ct)
    {
        var errors = ValidateCorrection(input);
        if (errors is not null)
        {
            return new(Status.Invalid, default, errors.Value.Field, errors.Value.Problem);
        }

        var now = time.GetUtcNow().UtcDateTime;
        return await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, t);
            if (contact is null)
            {
                return new Result<Answer>(Status.NotFound, default);
            }

            if (contact.ErasedAt is not null)
            {
                return new Result<Answer>(Status.Erased, default, null,
                    $"The contact's data was erased on {contact.ErasedAt:yyyy-MM-dd}; there is nothing left to correct.");
            }

            var changed = new List<string>();
            if (input.Name is not null && Trim(input.Name) != contact.Name)
            {
                contact.Name = Trim(input.Name);
                changed.Add("name");
            }

            if (input.Email is not null)
            {
                var email = Trim(input.Email)?.ToLowerInvariant();
                if (email != contact.Email)
                {
                    contact.Email = email;
                    changed.Add("email");
                }
            }

            var language = Trim(input.Language)?.ToLowerInvariant();
            if (language is not null && language != contact.Language)
            {
                contact.Language = language;
                changed.Add("language");
            }

            if (changed.Count > 0)
            {
                contact.UpdatedAt = now;
            }

            var request = NewRequest(id, DataSubjectRequestKind.Rectification, who, now,
                changed.Count > 0 ? DataSubjectRequestOutcome.Fulfilled : DataSubjectRequestOutcome.NoChange,
                changed.Count > 0 ? "corrected: " + string.Join(", ", changed) : "the details were already as asked");
            db.DataSubjectRequests.Add(request);
            await db.SaveChangesAsync(t);
            return new Result<Answer>(Status.Done, new Answer(contact, request));
        }, ct);
    }

    private static (string Field, string Problem)? ValidateCorrection(ContactCorrection input)
    {
        if (input.Phone is not null)
        {
            return ("phone", "A phone number is not corrected in place: a new number is a new contact, with its own WhatsApp identity and consent. " +
                "Create it with POST /api/contacts and, if the person asks, erase this contact with DELETE /api/contacts/{id}.");
        }

        if (input.Name is null && input.Email is null && input.Language is null)
        {
            return ("name", "Give at least one of name, email or language to correct.");
        }

        if (input.Name is not null && (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200))
        {
            return ("name", "A name of 1 to 200 characters.");
        }

        var email = input.Email?.Trim();
        if (!string.IsNullOrEmpty(email) && (email.Length > 254 || !MailAddress.TryCreate(email, out var address) || address.Address != email))
        {
            return ("email", "An e-mail address of the form name@example.id, or an empty string to remove it.");
        }

        if (input.Language is not null && input.Language.Trim().ToLowerInvariant() is not ("id" or "en"))
        {
            return ("language", "Use 'id' (Bahasa Indonesia) or 'en' (English).");
        }

        return input.Reference is { Length: > 100 } ? ("reference", "At most 100 characters.") : null;
    }

    // ---------------------------------------------------------------- erasure

    /// <summary>
    /// Erases the person's data in one transaction (see docs/data-subject-requests.md for the
    /// table-by-table rules): the profile, the raw evidence of the ledger, registrations, message
    /// contents and parameters, provider recipient ids, permit links; pending notifications are
    /// cancelled, opt-in links expire, and both consent scopes are withdrawn in the ledger so the
    /// chain stays whole and says why. The contact row stays as a tombstone with the keyed hash of
    /// the phone. Stored e-mail files go after the commit. Erasing an erased contact changes
    /// nothing and is recorded as such.
    /// </summary>
    public async Task<Result<Answer>> EraseAsync(Guid id, RequestContext who, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        string? hash;
        string? hashedPhone;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var before = await db.Contacts.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Phone, c.WaId }).FirstOrDefaultAsync(ct);
            if (before is null)
            {
                return new(Status.NotFound, default);
            }

            // Outside the transaction: the first erasure creates the key (see ErasureRegistry).
            hashedPhone = before.Phone ?? PhoneNormalizer.FromWaId(before.WaId);
            hash = hashedPhone is null ? null : await erasures.PhoneHashAsync(hashedPhone, ct);
        }

        // Status posts still in the webhook inbox hold recipients' numbers as Meta sent them:
        // expanded first, their rows are scrubbed with the rest below.
        await StatusInbox.ExpandAllAsync(scopes, gate, ct);

        var files = new List<string>();
        var smsTo = (string?)null;
        var result = await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            files.Clear();
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
            if (phone != hashedPhone)
            {
                hash = phone is null ? null : await erasures.PhoneHashAsync(phone, t);
                hashedPhone = phone;
            }

            smsTo = contact.Phone;
            var pii = new PiiTokens();
            pii.AddPhone(contact.Phone);
            pii.AddPhone(PhoneNormalizer.FromWaId(contact.WaId));
            pii.Add(contact.WaId, contact.BusinessScopedUserId, contact.Name, contact.Email);

            // 1. The ledger: raw web evidence goes; its salted digest, which the chain commits to, stays.
            var evidence = await db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id && (e.Ip != null || e.UserAgent != null))
                .Select(e => new { e.Ip, e.UserAgent }).ToListAsync(t);
            foreach (var e in evidence)
            {
                pii.Add(e.Ip, e.UserAgent);
            }

            var ledgerRows = await db.ConsentEvents.Where(e => e.ContactId == id && (e.Ip != null || e.UserAgent != null || e.EvidenceSalt != null))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Ip, (string?)null).SetProperty(e => e.UserAgent, (string?)null)
                    .SetProperty(e => e.EvidenceSalt, (string?)null), t);

            // 2. Registrations: what was typed into the form, and from where.
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

            // 3. Notifications: pending ones are cancelled; parameters and texts go.
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

            // 4. Attempts: the facts stay for the statistics; error texts lose any personal data.
            var notificationIds = notifications.Select(n => n.Id).ToList();
            var attempts = await db.DeliveryAttempts.Where(a => a.ContactId == id || notificationIds.Contains(a.NotificationId)).ToListAsync(t);
            foreach (var a in attempts)
            {
                Scrub(db, a, pii);
                if (a.Channel == Channel.Email)
                {
                    files.Add(EmailOutbox.FileNameFor(a.Id.ToString()));
                }
            }

            // 5. Status webhooks name the recipient (wa_id, business-scoped id).
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
                [contact.WaId, hashedPhone?.TrimStart('+'), contact.BusinessScopedUserId], t);

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
            contact.ErasedPhoneHash = hash;
            contact.ErasedAt = now;
            contact.UpdatedAt = now;

            request.Detail = string.Create(CultureInfo.InvariantCulture,
                $"erased: profile, {ledgerRows} ledger evidence, {registrations.Count} registrations, {notifications.Count} notifications ({cancelled} cancelled), {attempts.Count} attempts, {statusRows} status events, {inbound.Count} inbound messages, {quarantined} quarantined webhook posts, {permits.Count} permits");
            db.DataSubjectRequests.Add(request);
            await db.SaveChangesAsync(t);
            await tx.CommitAsync(t);
            return new Result<Answer>(Status.Done, new Answer(contact, request));
        }, ct);

        if (result is { Status: Status.Done, Value.Request.Outcome: DataSubjectRequestOutcome.Fulfilled })
        {
            // The rows are clean; the old copies in the database files (SQLite's write-ahead log,
            // PostgreSQL's dead row versions) go now, before the answer.
            await deleted.PurgeAsync(ErasedTables, "an erasure", ct);
            var removed = DeleteOutboxFiles(files, result.Value.Contact.Id);
            if (smsTo is not null)
            {
                sms.Forget(smsTo);
            }

            logger.LogInformation("Contact {ContactId} erased at the request of {RequestedBy}; {Files} stored e-mail(s) removed",
                id, who.RequestedBy, removed);
        }

        return result;
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

    private static DataSubjectRequest NewRequest(Guid contactId, DataSubjectRequestKind kind, RequestContext who, DateTime now,
        DataSubjectRequestOutcome outcome, string? detail) => new()
        {
            Id = Guid.CreateVersion7(),
            ContactId = contactId,
            Kind = kind,
            RequestedBy = who.RequestedBy.Length > 300 ? who.RequestedBy[..300] : who.RequestedBy,
            Reference = who.Reference,
            ReceivedAt = who.ReceivedAt is { } at && at <= now ? at : now,
            AnsweredAt = now,
            Outcome = outcome,
            Detail = detail,
        };

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The person's identifying strings, in every form a phone is written.</summary>
    private sealed class PiiTokens
    {
        private readonly HashSet<string> tokens = new(StringComparer.OrdinalIgnoreCase);

        public void AddPhone(string? e164)
        {
            if (e164 is null)
            {
                return;
            }

            var digits = new string([.. e164.Where(char.IsAsciiDigit)]);
            Add(e164, digits);

            // Indonesian numbers are also written 0812… (and without the country code: 812…).
            if (digits.StartsWith("62", StringComparison.Ordinal) && digits.Length > 8)
            {
                Add("0" + digits[2..], digits[2..]);
            }
        }

        public void Add(params string?[] values)
        {
            foreach (var v in values)
            {
                // Very short values (a one-letter name) would scrub ordinary words.
                if (!string.IsNullOrWhiteSpace(v) && v.Trim().Length >= 3)
                {
                    tokens.Add(v.Trim());
                }
            }
        }

        public string Scrub(string value)
        {
            // Longest first, so "+6281…" goes before its own digits and leaves no stray '+'.
            foreach (var t in tokens.OrderByDescending(t => t.Length))
            {
                if (value.Contains(t, StringComparison.OrdinalIgnoreCase))
                {
                    value = value.Replace(t, Erased, StringComparison.OrdinalIgnoreCase);
                }
            }

            return value;
        }
    }
}
