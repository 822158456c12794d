using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary><c>/api/notifications</c>: enqueue with an Idempotency-Key, read state and attempts (SPEC §13).</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/notifications").WithTags("Notifications");
        group.MapPost("/", Enqueue).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Enqueue a notification (Idempotency-Key header); 202 with its id and first decision")
            .WithDescription("Kabar checks the type and its parameters against the catalog and the WhatsApp template now, "
                + "and answers 422 naming each missing or extra parameter, never at send time. The same Idempotency-Key "
                + "with the same body returns the same notification; with another body, 409. The dispatcher decides the "
                + "channel again when it sends, so a STOP that arrives meanwhile wins.")
            .Answers(MissingParameter(NotificationCatalog.All[0]), Conflict("permit-503-0186-issued"));
        group.MapGet("/{id:guid}", Get).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("A notification: state, decision, attempts with status history, errors and cost")
            .Answers(Problems.NotFound($"No notification has id {ProblemAnswers.SampleId}."));
        group.MapGet("/", List).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("List notifications, newest first, filtered by contact, permit, type, state and period")
            .WithDescription("A page of at most `limit` notifications; pass the answer's `next` as `after` for the next page.")
            .Answers(Problems.Validation("state", $"Use {EnumText<NotificationState>.Choices}."));
        return app;
    }

    /// <summary>The answer when a type's last parameter is left out, as the reference page shows it.</summary>
    private static ProblemHttpResult MissingParameter(NotificationType type) =>
        Problems.Validation($"params.{type.Parameters[^1]}", Missing(type));

    private static string Missing(NotificationType type) => $"Missing: {type.Name} needs {string.Join(", ", type.Parameters)}.";

    private static async Task<Results<Accepted<NotificationAccepted>, ProblemHttpResult>> Enqueue(
        NotificationRequest request,
        [FromHeader(Name = "Idempotency-Key"), Description("The client's key for this notification (at most 150 characters), so a retry after a lost answer creates nothing new.")]
        string? idempotencyKey,
        KabarDbContext db,
        PhoneNormalizer phones,
        MessageComposer composer,
        NotificationWriter writer,
        Privacy.ErasureRegistry erasures,
        TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        var (type, phone, parameters) = await ValidateAsync(request, idempotencyKey, db, phones, composer, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : $"api:{idempotencyKey}";
        var hash = RequestHash(request, phone, parameters);
        if (key is not null && await FindByKeyAsync(db, key, ct) is { } existing)
        {
            return Replay(existing, hash, idempotencyKey!);
        }

        Contact? contact = request.ContactId is { } id
            ? await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, ct)
            : await db.Contacts.FirstOrDefaultAsync(c => c.Phone == phone, ct);
        if (contact is null && request.ContactId is not null)
        {
            return Problems.Validation("contactId", $"No contact has id {request.ContactId}.");
        }

        if (contact?.ErasedAt is not null)
        {
            return Problems.Validation("contactId",
                $"Contact {contact.Id}'s data was erased at their request; notify the person by phone instead, which Kabar treats as a new contact.");
        }

        contact ??= await NewContactAsync(db, phone, erasures, now, ct);
        var dueAt = request.SendAt?.ToUniversalTime();
        var notification = writer.Add(db, contact, type!, parameters, now, new NotificationOrigin(request.PermitId, dueAt, key, hash));
        var decision = NotificationWriter.ReadDecision(notification);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (key is not null && ex.IsUniqueViolation())
        {
            // The same key raced in from a concurrent request: answer as the winner did.
            db.ChangeTracker.Clear();
            var winner = await FindByKeyAsync(db, key, ct);
            if (winner is null)
            {
                throw;
            }

            return Replay(winner, hash, idempotencyKey!);
        }

        writer.Wake();
        return TypedResults.Accepted($"/api/notifications/{notification.Id}",
            new NotificationAccepted(notification.Id, notification.State, decision));
    }

    /// <summary>The checks of an enqueue request that need no contact; what fails is added to <paramref name="errors"/>.</summary>
    private static async Task<(NotificationType? Type, string? Phone, Dictionary<string, string> Parameters)> ValidateAsync(
        NotificationRequest request, string? idempotencyKey, KabarDbContext db, PhoneNormalizer phones, MessageComposer composer,
        FieldErrors errors, CancellationToken ct)
    {
        if (idempotencyKey is { Length: > 150 })
        {
            errors.Add("Idempotency-Key", "At most 150 characters.");
        }

        var type = NotificationCatalog.Find(request.Type);
        if (type is null)
        {
            errors.Add("type", $"Use one of: {NotificationCatalog.Names}.");
        }

        var phone = phones.NormalizeReference(request.ContactId, request.Phone, errors);

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (type is not null)
        {
            ValidateParams(type, request.Params, parameters, errors);
            if (await TemplateProblemAsync(db, composer, type, ct) is { } problem)
            {
                errors.Add("type", problem);
            }
        }

        return (type, phone, parameters);
    }

    /// <summary>A number the office has not registered yet: the person exists from now on, with no consent.</summary>
    private static async Task<Contact> NewContactAsync(KabarDbContext db, string? phone, Privacy.ErasureRegistry erasures, DateTime now,
        CancellationToken ct)
    {
        var contact = new Contact
        {
            Id = Guid.CreateVersion7(),
            Phone = phone,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Contacts.Add(contact);
        await erasures.CarryOverAsync(db, contact, now, ct);
        return contact;
    }

    /// <summary>A key used before: the same request gets the same answer, another request a conflict.</summary>
    private static Results<Accepted<NotificationAccepted>, ProblemHttpResult> Replay(Notification existing, string hash, string idempotencyKey) =>
        existing.RequestHash == hash
            ? TypedResults.Accepted($"/api/notifications/{existing.Id}", new NotificationAccepted(existing.Id, existing.State, NotificationWriter.ReadDecision(existing)))
            : Conflict(idempotencyKey);

    private static ProblemHttpResult Conflict(string key) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key reused",
        detail: $"Idempotency-Key '{key}' was already used with a different request body. Use a new key for a new notification.");

    private static Task<Notification?> FindByKeyAsync(KabarDbContext db, string key, CancellationToken ct) =>
        db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.IdempotencyKey == key, ct);

    /// <summary>Every parameter of the type's master template, and nothing else (SPEC §5).</summary>
    private static void ValidateParams(NotificationType type, Dictionary<string, JsonElement>? given,
        Dictionary<string, string> parameters, FieldErrors errors)
    {
        var expected = type.Parameters;
        var filledByKabar = type.Name == NotificationCatalog.OptInRequest;
        foreach (var (name, value) in given ?? [])
        {
            if (!expected.Contains(name))
            {
                errors.Add($"params.{name}", $"Not a parameter of {type.Name}. Its parameters are: {string.Join(", ", expected)}.");
                continue;
            }

            var text = JsonText.StringOrNumber(value);
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add($"params.{name}", "Must be a non-empty string or a number.");
            }
            else if (text.Length > 1024)
            {
                errors.Add($"params.{name}", "At most 1024 characters.");
            }
            else
            {
                parameters[name] = text;
            }
        }

        if (filledByKabar)
        {
            // The personal link and the office's name are Kabar's to fill in.
            return;
        }

        foreach (var name in expected.Where(p => given is null || !given.ContainsKey(p)))
        {
            errors.Add($"params.{name}", Missing(type));
        }

        if (type.Name == "permit_expiry_warning" && parameters.TryGetValue("remaining_days", out var days)
            && !int.TryParse(days, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("params.remaining_days", "A whole number of days, for example 7.");
        }
    }

    /// <summary>
    /// A template Meta has not approved (or that no longer exists, or takes other parameters) is
    /// refused now rather than failing at send time. Before the first template sync Kabar cannot
    /// know, and lets the send find out.
    /// </summary>
    private static async Task<string?> TemplateProblemAsync(KabarDbContext db, MessageComposer composer, NotificationType type, CancellationToken ct)
    {
        if (type.Name == NotificationCatalog.OptInRequest || !await db.WhatsAppTemplates.AnyAsync(ct))
        {
            return null;
        }

        var mapping = composer.MappingFor(type.Name);
        var template = await db.WhatsAppTemplates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Name == mapping.Name && t.Language == mapping.Language, ct);
        if (template is null)
        {
            return $"WhatsApp template {mapping.Name} ({mapping.Language}) does not exist in the business account. Create it in WhatsApp Manager or map the type to another template (Kabar:Templates:{type.Name}).";
        }

        if (template.Status != "APPROVED")
        {
            return $"WhatsApp template {mapping.Name} ({mapping.Language}) is {template.Status}, not APPROVED; Meta would refuse it.";
        }

        // Null: known from a status webhook only, its parameters not yet read (template-sync reads them).
        var count = template.BodyParameters is null ? type.Parameters.Count
            : template.BodyParameters.Length == 0 ? 0 : template.BodyParameters.Split(',').Length;
        return count != type.Parameters.Count
            ? $"WhatsApp template {mapping.Name} ({mapping.Language}) takes {count} body parameter(s) but {type.Name} has {type.Parameters.Count}: {string.Join(", ", type.Parameters)}."
            : null;
    }

    private static string RequestHash(NotificationRequest r, string? phone, Dictionary<string, string> parameters)
    {
        var canonical = string.Join('\n',
            r.Type, r.ContactId?.ToString() ?? phone, r.PermitId?.ToString(), r.SendAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            string.Join('\u001f', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> Get(Guid id, KabarDbContext db,
        IOptions<WhatsAppPriceOptions> prices, CancellationToken ct)
    {
        var n = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (n is null)
        {
            return Problems.NotFound($"No notification has id {id}.");
        }

        var list = await ToResponsesAsync(db, [n], prices.Value, ct);
        return TypedResults.Ok(list[0]);
    }

    private static async Task<Results<Ok<NotificationPage>, ProblemHttpResult>> List(KabarDbContext db,
        IOptions<WhatsAppPriceOptions> prices, Guid? contactId, Guid? permitId, string? type, string? state,
        DateTime? from, DateTime? to, string? after, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        NotificationState parsedState = default;
        if (state is not null && !EnumText<NotificationState>.TryParse(state, out parsedState))
        {
            errors.Add("state", $"Use {EnumText<NotificationState>.Choices}.");
        }

        var take = KeysetPaging.ReadLimit(limit, errors);
        var cursor = KeysetPaging.ReadCursor(after, errors);

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var q = db.Notifications.AsNoTracking();
        if (contactId is { } c)
        {
            q = q.Where(n => n.ContactId == c);
        }

        if (permitId is { } p)
        {
            q = q.Where(n => n.PermitId == p);
        }

        if (type is not null)
        {
            q = q.Where(n => n.Type == type);
        }

        if (state is not null)
        {
            q = q.Where(n => n.State == parsedState);
        }

        var fetched = await q.Within(n => n.CreatedAt, from, to).Page(n => n.CreatedAt, n => n.Id, cursor, take).ToListAsync(ct);
        var (page, next) = KeysetPaging.Cut(fetched, take, n => new KeysetCursor(n.CreatedAt, n.Id));
        var items = await ToResponsesAsync(db, page, prices.Value, ct);
        return TypedResults.Ok(new NotificationPage(items, next));
    }

    internal static async Task<List<NotificationResponse>> ToResponsesAsync(KabarDbContext db, List<Notification> notifications,
        WhatsAppPriceOptions prices, CancellationToken ct)
    {
        var ids = notifications.Select(n => n.Id).ToList();
        var attempts = await db.DeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.NotificationId))
            .OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var attemptIds = attempts.Select(a => a.Id).ToList();
        var history = (await db.AttemptStatusChanges.AsNoTracking().Where(h => attemptIds.Contains(h.AttemptId))
                .OrderBy(h => h.Id).ToListAsync(ct))
            .ToLookup(h => h.AttemptId);
        var byNotification = attempts.ToLookup(a => a.NotificationId);
        return notifications.Select(n =>
        {
            var list = byNotification[n.Id].Select(a => new AttemptResponse(a.Id, a.Channel, a.Status, a.ProviderMessageId,
                a.ErrorCode, a.Error, a.Ambiguous, a.Channel == Channel.WhatsApp ? a.Billable : null, a.CreatedAt,
                history[a.Id].OrderBy(h => DeliveryAttempt.Rank(h.Status)).ThenBy(h => h.At) // lifecycle order: Meta's timestamps are whole seconds
                    .Select(h => new StatusStep(h.Status, h.At)).ToList())).ToList();
            var cost = byNotification[n.Id]
                .Where(a => a.Channel == Channel.WhatsApp && a.Billable && a.Status is AttemptStatus.Delivered or AttemptStatus.Read)
                .Sum(a => prices.For(a.PricingCategory));
            return new NotificationResponse(n.Id, n.Type, n.State, n.Channel, NotificationWriter.ReadDecision(n), n.ContactId, n.PermitId,
                n.Essential, n.Basis, n.FallbackReason, n.LastErrorCode, n.LastError, n.DueAt, n.CreatedAt, n.UpdatedAt, cost, list);
        }).ToList();
    }
}
