using System.Net.Mail;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
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

    /// <summary>Erases the person's data; see <see cref="ContactErasure"/> for what goes and what stays.</summary>
    public Task<Result<Answer>> EraseAsync(Guid id, RequestContext who, CancellationToken ct) =>
        new ContactErasure(scopes, erasures, gate, outbox, sms, deleted, logger).EraseAsync(id, who, time.GetUtcNow().UtcDateTime, ct);

    internal static DataSubjectRequest NewRequest(Guid contactId, DataSubjectRequestKind kind, RequestContext who, DateTime now,
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
}
