using System.Net;
using System.Net.Mail;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Contacts;

/// <summary><c>/api/contacts</c>: create or update by phone, read state, read and write the consent ledger.</summary>
public static class ContactsApi
{
    /// <summary>Sources an API client may claim. Inbound and link sources are only ever recorded by Kabar itself.</summary>
    private static readonly ConsentSource[] ClientSources =
        [ConsentSource.Api, ConsentSource.RegistrationForm, ConsentSource.Import, ConsentSource.Admin];

    public static IEndpointRouteBuilder MapContacts(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/contacts").WithTags("Contacts").RequireAuthorization(ApiAuth.ReadPolicy);
        read.MapGet("/{id:guid}", GetById).WithSummary("A contact's state: consent per scope, last inbound message, window")
            .Answers(Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."));
        read.MapGet("/", GetByPhone).WithSummary("Find a contact by phone (?phone=)")
            .Answers(Problems.Validation("phone", $"'0812' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}."),
                Problems.NotFound("No contact has phone +62812****7890."));
        read.MapGet("/{id:guid}/consent", GetLedger).WithSummary("The consent ledger, oldest first, with evidence")
            .WithDescription("Each event keeps the hash of the one before it, so an edit in the database breaks the chain (`kabar consent verify`).")
            .Answers(Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."));

        var write = app.MapGroup("/api/contacts").WithTags("Contacts").RequireAuthorization(ApiAuth.WritePolicy);
        write.MapPost("/", Upsert).WithSummary("Create or update a contact by phone, optionally with consent and its evidence")
            .WithDescription("201 for a new person, 200 for the one whose normalised phone matches; fields left out keep their value.")
            .Answers(Problems.Validation("phone", $"'0812-34' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}."));
        write.MapPost("/{id:guid}/consent", ChangeConsent).WithSummary("Grant or withdraw consent with evidence")
            .WithDescription("Appends an event to the contact's ledger; events are never changed or deleted.")
            .Answers(Problems.Validation("granted", "Say true to grant or false to withdraw."),
                Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."),
                Problems.Conflict($"Contact {ProblemAnswers.SampleId}'s data was erased; its ledger ends with the erasure. A new consent belongs to the person's number as a new contact."));
        return app;
    }

    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetById(Guid id, KabarDbContext db,
        DecisionInputs inputs, TimeProvider time, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return contact is null
            ? Problems.NotFound($"No contact has id {id}.")
            : TypedResults.Ok(contact.ToResponse(time.GetUtcNow().UtcDateTime, inputs.Policy));
    }

    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetByPhone(string? phone,
        KabarDbContext db, PhoneNormalizer phones, DecisionInputs inputs, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return Problems.Validation("phone", $"Give the phone to look up, for example ?phone=0812-3456-7890; accepted: {PhoneNormalizer.AcceptedForm}.");
        }

        var normalized = phones.Normalize(phone);
        if (normalized is null)
        {
            return Problems.Validation("phone", $"'{phone}' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}.");
        }

        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Phone == normalized, ct);
        return contact is null
            ? Problems.NotFound($"No contact has phone {Pii.MaskPhone(normalized)}.")
            : TypedResults.Ok(contact.ToResponse(time.GetUtcNow().UtcDateTime, inputs.Policy));
    }

    private static async Task<Results<Ok<ConsentLedgerResponse>, ProblemHttpResult>> GetLedger(Guid id,
        KabarDbContext db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return Problems.NotFound($"No contact has id {id}.");
        }

        var events = await db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id).OrderBy(e => e.Seq).ToListAsync(ct);
        return TypedResults.Ok(new ConsentLedgerResponse(id,
            new ConsentStates(contact.WhatsAppConsent, contact.MarketingConsent), contact.LedgerHead,
            events.Select(e => e.ToResponse()).ToList()));
    }

    private static async Task<Results<Created<ContactResponse>, Ok<ContactResponse>, ProblemHttpResult>> Upsert(
        ContactRequest request, IServiceScopeFactory scopes, PhoneNormalizer phones, DecisionInputs inputs,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var phone = phones.Normalize(request.Phone);
        if (string.IsNullOrWhiteSpace(request.Phone))
        {
            errors.Add("phone", $"A phone number is required: {PhoneNormalizer.AcceptedForm}.");
        }
        else if (phone is null)
        {
            errors.Add("phone", $"'{Shorten(request.Phone)}' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}.");
        }

        ValidateProfile(request.Name, request.Email, request.Language, errors);
        var now = time.GetUtcNow().UtcDateTime;
        var consent = request.Consent is null ? null : ValidateConsent(request.Consent, "consent.", now, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var result = await scopes.RunWithRetryAsync(async (sp, token) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Phone == phone, token);
            var created = contact is null;
            if (contact is null)
            {
                contact = new Contact { Id = Guid.CreateVersion7(), Phone = phone, CreatedAt = now };
                db.Contacts.Add(contact);

                // A number whose owner was erased starts withdrawn; a consent in this request, with
                // its own evidence, is recorded after it as the newer word.
                await sp.GetRequiredService<Privacy.ErasureRegistry>().CarryOverAsync(db, contact, now, token);
            }

            contact.Name = Trim(request.Name) ?? contact.Name;
            contact.Email = Trim(request.Email)?.ToLowerInvariant() ?? contact.Email;
            contact.Language = Trim(request.Language)?.ToLowerInvariant() ?? contact.Language;
            contact.UpdatedAt = now;

            if (consent is not null)
            {
                var (_, problem) = await ApplyConsentAsync(sp, contact, consent, now, onlyIfChanged: true, token);
                if (problem is not null)
                {
                    return (Contact: (Contact?)null, Created: false, Problem: problem);
                }
            }

            await db.SaveChangesAsync(token);
            return (Contact: (Contact?)contact, Created: created, Problem: (ProblemHttpResult?)null);
        }, ct);

        if (result.Problem is not null)
        {
            return result.Problem;
        }

        var response = result.Contact!.ToResponse(now, inputs.Policy);
        return result.Created
            ? TypedResults.Created($"/api/contacts/{response.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Created<ConsentChangeResponse>, ProblemHttpResult>> ChangeConsent(Guid id,
        ConsentRequest request, IServiceScopeFactory scopes, DecisionInputs inputs, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var now = time.GetUtcNow().UtcDateTime;
        var consent = ValidateConsent(request, "", now, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var result = await scopes.RunWithRetryAsync(async (sp, token) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, token);
            if (contact is null)
            {
                return (Response: (ConsentChangeResponse?)null, Problem: (ProblemHttpResult?)Problems.NotFound($"No contact has id {id}."));
            }

            if (contact.ErasedAt is not null)
            {
                return (null, Problems.Conflict($"Contact {id}'s data was erased; its ledger ends with the erasure. A new consent belongs to the person's number as a new contact."));
            }

            var (appended, problem) = await ApplyConsentAsync(sp, contact, consent!, now, onlyIfChanged: false, token);
            if (problem is not null)
            {
                return (null, problem);
            }

            await db.SaveChangesAsync(token);
            return (new ConsentChangeResponse(appended?.ToResponse(), contact.ToResponse(now, inputs.Policy)), null);
        }, ct);

        return result.Problem is not null
            ? result.Problem
            : TypedResults.Created($"/api/contacts/{id}/consent", result.Response!);
    }

    /// <summary>A validated consent change.</summary>
    private sealed record ValidConsent(ConsentScope Scope, ConsentAction Action, ConsentSource Source,
        ConsentRequest Request, DateTime OccurredAt);

    private static ValidConsent? ValidateConsent(ConsentRequest c, string prefix, DateTime now, FieldErrors errors)
    {
        var scope = ConsentScope.WhatsApp;
        if (c.Scope is not null && !EnumText<ConsentScope>.TryParse(c.Scope, out scope))
        {
            errors.Add(prefix + "scope", $"'{Shorten(c.Scope)}' is not a scope; use {EnumText<ConsentScope>.Choices}.");
        }

        if (c.Granted is null)
        {
            errors.Add(prefix + "granted", "Say true to grant or false to withdraw.");
        }

        var source = ConsentSource.Api;
        if (c.Source is not null && (!EnumText<ConsentSource>.TryParse(c.Source, out source) || !ClientSources.Contains(source)))
        {
            errors.Add(prefix + "source",
                $"'{Shorten(c.Source)}' cannot be recorded through the API; use {string.Join(", ", ClientSources.Select(s => $"'{EnumText<ConsentSource>.Name(s)}'"))}. " +
                "Inbound and link consents are recorded by Kabar when they happen.");
        }

        if (source == ConsentSource.RegistrationForm && c.Granted == true && string.IsNullOrWhiteSpace(c.TextVersion))
        {
            errors.Add(prefix + "textVersion", "A registration-form consent must name the version of the consent text the person saw, for example 'daftar-v1'.");
        }

        if (c.TextVersion is { Length: > 64 })
        {
            errors.Add(prefix + "textVersion", "At most 64 characters.");
        }

        if (c.Text is { Length: > 4000 })
        {
            errors.Add(prefix + "text", "At most 4000 characters.");
        }

        if (c.Text is not null && string.IsNullOrWhiteSpace(c.TextVersion))
        {
            errors.Add(prefix + "textVersion", "A consent text needs a version name to be stored under.");
        }

        if (c.Ip is not null && !IPAddress.TryParse(c.Ip, out _))
        {
            errors.Add(prefix + "ip", $"'{Shorten(c.Ip)}' is not an IPv4 or IPv6 address.");
        }

        if (source == ConsentSource.Admin && string.IsNullOrWhiteSpace(c.Operator))
        {
            errors.Add(prefix + "operator", "An admin change must name the operator who made it.");
        }

        if (c.OccurredAt is { } at && at.ToUniversalTime() > now.AddMinutes(5))
        {
            errors.Add(prefix + "occurredAt", "Consent cannot be recorded for a time in the future.");
        }

        if (errors.Any || c.Granted is null)
        {
            return null;
        }

        // A few minutes of client clock skew are tolerated and clamped to now.
        var occurredAt = c.OccurredAt?.ToUniversalTime() ?? now;
        return new ValidConsent(scope, c.Granted.Value ? ConsentAction.Granted : ConsentAction.Withdrawn, source, c,
            occurredAt > now ? now : occurredAt);
    }

    /// <summary>
    /// Records the consent. A repeat of the current state with the same text version is not a new
    /// event (clients re-sync contacts); a new text version is, because it is new evidence.
    /// </summary>
    private static async Task<(ConsentEvent? Event, ProblemHttpResult? Problem)> ApplyConsentAsync(IServiceProvider sp,
        Contact contact, ValidConsent consent, DateTime now, bool onlyIfChanged, CancellationToken ct)
    {
        var request = consent.Request;
        var texts = sp.GetRequiredService<ConsentTexts>();
        var version = Trim(request.TextVersion);
        if (version is not null && request.Text is not null)
        {
            if (await texts.RegisterAsync(version, contact.Language, request.Text, ct) == ConsentTexts.RegisterResult.Conflict)
            {
                return (null, Problems.Validation("consent.textVersion",
                    $"Version '{version}' is already stored with different words; give the changed text a new version."));
            }
        }
        else if (version is not null && await texts.FindAsync(version, ct) is null)
        {
            return (null, Problems.Validation("consent.textVersion",
                $"Consent text version '{version}' is unknown; send its exact words in 'text' once to register it."));
        }

        if (onlyIfChanged && contact.LedgerSeq > 0)
        {
            var state = consent.Action == ConsentAction.Granted ? ConsentState.Granted : ConsentState.Withdrawn;
            if (contact.ConsentFor(consent.Scope) == state)
            {
                var db = sp.GetRequiredService<KabarDbContext>();
                var lastVersion = await db.ConsentEvents.Where(e => e.ContactId == contact.Id && e.Scope == consent.Scope)
                    .OrderByDescending(e => e.Seq).Select(e => e.TextVersion).FirstOrDefaultAsync(ct);
                if (version is null || version == lastVersion)
                {
                    return (null, null);
                }
            }
        }

        var appended = await sp.GetRequiredService<ConsentLedger>().AppendAsync(contact, consent.Scope, consent.Action, consent.Source,
            consent.OccurredAt, now, new ConsentEvidence
            {
                TextVersion = version,
                Ip = Trim(request.Ip),
                UserAgent = Trim(request.UserAgent),
                Operator = Trim(request.Operator),
                Note = Trim(request.Note),
            }, ct);
        return (appended, null);
    }

    private static void ValidateProfile(string? name, string? email, string? language, FieldErrors errors)
    {
        if (name is { Length: > 200 })
        {
            errors.Add("name", "At most 200 characters.");
        }

        if (!string.IsNullOrWhiteSpace(email)
            && (email.Length > 254 || !MailAddress.TryCreate(email.Trim(), out var address) || address.Address != email.Trim()))
        {
            errors.Add("email", $"'{Shorten(email)}' is not an e-mail address; use the form name@example.id.");
        }

        if (!string.IsNullOrWhiteSpace(language) && language.Trim().ToLowerInvariant() is not ("id" or "en"))
        {
            errors.Add("language", "Use 'id' (Bahasa Indonesia) or 'en' (English).");
        }
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
