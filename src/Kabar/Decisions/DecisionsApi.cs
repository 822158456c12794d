using System.Reflection;
using System.Text.Json;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Decisions;

/// <summary>
/// <c>POST /api/decisions</c>: the decision of SPEC §5 as a dry run; nothing is stored or created.
/// <c>POST /api/decisions/bulk</c>: the same decision for up to <see cref="BulkLimit"/> people in one call.
/// </summary>
public static class DecisionsApi
{
    /// <summary>The most contact ids and phones, together, that one bulk call decides.</summary>
    public const int BulkLimit = 100_000;

    /// <summary>Contacts read per query in a bulk call.</summary>
    private const int BulkChunk = 5_000;

    /// <summary>A person (by contact id or by phone, one of the two) and the message to decide for.</summary>
    /// <param name="ContactId">The contact. Give this or <c>phone</c>.</param>
    /// <param name="Phone">A phone number; one Kabar has never seen is decided as a person with no state, without creating it. Give this or <c>contactId</c>.</param>
    /// <param name="Message">The message that would be sent.</param>
    public sealed record DecisionRequest(Guid? ContactId = null, string? Phone = null, DecisionMessageRequest? Message = null);

    /// <summary>The message a decision is for.</summary>
    /// <param name="Kind"><c>template</c> (an approved WhatsApp template) or <c>text</c> (free-form, only inside the service window).</param>
    /// <param name="Category">WhatsApp's template category, which sets price and marketing rules: <c>utility</c> (the default), <c>marketing</c> or <c>authentication</c>.</param>
    /// <param name="HasTemplateVariant">For a text: whether a template variant exists to send instead when the window is closed. Default false.</param>
    public sealed record DecisionMessageRequest(string? Kind, string? Category = null, bool? HasTemplateVariant = null);

    /// <summary>Many people (contact ids and phones, up to 100,000 together) and one message.</summary>
    /// <param name="ContactIds">Contacts by id.</param>
    /// <param name="Phones">People by phone number.</param>
    /// <param name="Message">The message that would be sent to each.</param>
    public sealed record BulkDecisionRequest(IReadOnlyList<Guid>? ContactIds = null, IReadOnlyList<string?>? Phones = null, DecisionMessageRequest? Message = null);

    /// <summary>
    /// One person of a bulk call, in request order (the contact ids, then the phones). <c>found</c> is
    /// false for an id no contact has (no decision) and for a phone Kabar has never seen (decided as
    /// a person with no state, like the single call).
    /// </summary>
    /// <param name="ContactId">The contact id asked about, for an entry from <c>contactIds</c>; else the contact found by phone, if any.</param>
    /// <param name="Phone">The phone asked about, for an entry from <c>phones</c>; null for an entry from <c>contactIds</c>.</param>
    /// <param name="Found">Whether Kabar knows the person: false for an unknown id (no decision) or a phone never seen.</param>
    /// <param name="Decision">The channel decision for this person; null when the contact id is unknown.</param>
    public sealed record BulkDecision(Guid? ContactId, string? Phone, bool Found, Decision? Decision);

    public static IEndpointRouteBuilder MapDecisions(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/decisions").WithTags("Decisions").RequireAuthorization(ApiAuth.ReadPolicy)
            .MapPost("/", Decide).WithSummary("Dry run of the channel decision for a contact or phone and a message; nothing is stored")
            .WithDescription("The decision table of the contract, rows checked in order: no_whatsapp_identity, opted_out, marketing_opted_out, "
                + "not_on_whatsapp, window_closed, opted_in, service_window, no_consent. `canSend` says whether WhatsApp is allowed; "
                + "`channel` is where the message would go.")
            .Answers(Problems.Validation("message.kind", $"Use {EnumText<MessageKind>.Choices}."),
                Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."));
        app.MapGroup("/api/decisions").WithTags("Decisions").RequireAuthorization(ApiAuth.ReadPolicy)
            .MapPost("/bulk", DecideBulk).WithSummary("Dry run of the channel decision for up to 100,000 contacts or phones and one message; nothing is stored")
            .WithDescription("Answers one entry per person in request order (the contact ids, then the phones), streamed as a JSON array.")
            .Answers(Problems.Validation("contactIds", "Give contactIds, phones or both (at least one person)."));
        return app;
    }

    /// <summary>The message both calls describe; field errors for what is missing or unknown.</summary>
    private static DecisionMessage ReadMessage(DecisionMessageRequest? request, FieldErrors errors)
    {
        var kind = MessageKind.Template;
        var category = MessageCategory.Utility;
        if (request is null)
        {
            errors.Add("message", "Describe the message: { \"kind\": \"template\" or \"text\", \"category\": \"utility\", \"marketing\" or \"authentication\" }.");
            return new DecisionMessage(kind, category);
        }

        if (!EnumText<MessageKind>.TryParse(request.Kind, out kind))
        {
            errors.Add("message.kind", $"Use {EnumText<MessageKind>.Choices}.");
        }

        if (request.Category is not null && !EnumText<MessageCategory>.TryParse(request.Category, out category))
        {
            errors.Add("message.category", $"Use {EnumText<MessageCategory>.Choices}.");
        }

        return new DecisionMessage(kind, category, request.HasTemplateVariant ?? false);
    }

    private static Results<BulkDecisionsResult, ProblemHttpResult> DecideBulk(BulkDecisionRequest request,
        KabarDbContext db, PhoneNormalizer phones, DecisionInputs inputs, KabarMetrics metrics, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var ids = request.ContactIds ?? [];
        var given = request.Phones ?? [];
        if (ids.Count + given.Count == 0)
        {
            errors.Add("contactIds", "Give contactIds, phones or both (at least one person).");
        }
        else if (ids.Count + given.Count > BulkLimit)
        {
            errors.Add(ids.Count > 0 ? "contactIds" : "phones",
                $"At most {BulkLimit:N0} contactIds and phones together in one call ({ids.Count + given.Count:N0} given); split the list.");
        }

        var normalized = new string?[given.Count];
        var bad = 0;
        for (var i = 0; i < given.Count && ids.Count + given.Count <= BulkLimit; i++)
        {
            normalized[i] = phones.Normalize(given[i]);
            if (normalized[i] is null && bad++ < 20)
            {
                errors.Add($"phones[{i}]", $"Not a usable phone number. Use {PhoneNormalizer.AcceptedForm}.");
            }
        }

        var message = ReadMessage(request.Message, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return new BulkDecisionsResult(DecideAllAsync(db, ids, given, normalized!, message, inputs, metrics, time.GetUtcNow().UtcDateTime, ct));
    }

    /// <summary>Reads the contacts a chunk at a time and writes each decision as it is made.</summary>
    private static async IAsyncEnumerable<BulkDecision> DecideAllAsync(KabarDbContext db, IReadOnlyList<Guid> ids,
        IReadOnlyList<string?> given, string[] normalized, DecisionMessage message, DecisionInputs inputs, KabarMetrics metrics, DateTime now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        BulkDecision Decide(Guid? id, string? phone, Contact? contact)
        {
            var subject = contact is not null
                ? DecisionInputs.From(contact)
                : new DecisionContact { Phone = phone, PhoneRegion = PhoneNormalizer.SmsRegionOf(phone), WhatsApp = ConsentState.Unknown };
            var decision = SendDecision.Decide(subject, message, now, inputs.Policy);
            metrics.Decided(decision, KabarMetrics.AtDryRun);
            return new BulkDecision(contact?.Id ?? id, contact?.Phone ?? phone, contact is not null, decision);
        }

        for (var start = 0; start < ids.Count; start += BulkChunk)
        {
            var chunk = ids.Skip(start).Take(BulkChunk).Distinct().ToList();
            var found = await DecisionStore.ByIdsAsync(db, chunk, ct);
            for (var i = start; i < Math.Min(ids.Count, start + BulkChunk); i++)
            {
                yield return found.TryGetValue(ids[i], out var contact)
                    ? Decide(ids[i], null, contact)
                    : new BulkDecision(ids[i], null, false, null);
            }
        }

        for (var start = 0; start < normalized.Length; start += BulkChunk)
        {
            var chunk = normalized.Skip(start).Take(BulkChunk).Distinct(StringComparer.Ordinal).ToList();
            var found = await DecisionStore.ByPhonesAsync(db, chunk, ct);
            for (var i = start; i < Math.Min(normalized.Length, start + BulkChunk); i++)
            {
                yield return Decide(null, normalized[i], found.GetValueOrDefault(normalized[i]));
            }
        }
    }

    private static async Task<Results<Ok<Decision>, ProblemHttpResult>> Decide(DecisionRequest request,
        KabarDbContext db, PhoneNormalizer phones, DecisionInputs inputs, KabarMetrics metrics, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var phone = phones.NormalizeReference(request.ContactId, request.Phone, errors);

        var message = ReadMessage(request.Message, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        Contact? contact = request.ContactId is { } id
            ? await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct)
            : await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Phone == phone, ct);
        if (contact is null && request.ContactId is not null)
        {
            return Problems.NotFound($"No contact has id {request.ContactId}.");
        }

        // A phone Kabar has never seen is a person with no state, and is not created by asking.
        var subject = contact is not null
            ? DecisionInputs.From(contact)
            : new DecisionContact { Phone = phone, PhoneRegion = PhoneNormalizer.SmsRegionOf(phone), WhatsApp = ConsentState.Unknown };
        var decision = SendDecision.Decide(subject, message, time.GetUtcNow().UtcDateTime, inputs.Policy);
        metrics.Decided(decision, KabarMetrics.AtDryRun);
        return TypedResults.Ok(decision);
    }

    /// <summary>
    /// The bulk answer, a JSON array written as the people are decided and flushed every thousand.
    /// The same JSON the serializer writes for <see cref="BulkDecision"/>, but each distinct
    /// decision is serialised once: a hundred thousand people share a handful of verdicts, and
    /// writing each again was half the call's time (docs/benchmarks.md).
    /// </summary>
    internal sealed class BulkDecisionsResult(IAsyncEnumerable<BulkDecision> items) : IResult, IEndpointMetadataProvider
    {
        private const int FlushEvery = 1_000;
        private const int MostCached = 4_096;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var ct = httpContext.RequestAborted;
            var body = httpContext.Response.BodyWriter;
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            var names = (
                ContactId: JsonEncodedText.Encode(Name(nameof(BulkDecision.ContactId)), options.Encoder),
                Phone: JsonEncodedText.Encode(Name(nameof(BulkDecision.Phone)), options.Encoder),
                Found: JsonEncodedText.Encode(Name(nameof(BulkDecision.Found)), options.Encoder),
                Decision: JsonEncodedText.Encode(Name(nameof(BulkDecision.Decision)), options.Encoder));
            var serialized = new Dictionary<Decision, byte[]>();
            await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
            writer.WriteStartArray();
            var written = 0;
            await foreach (var item in items.WithCancellation(ct))
            {
                writer.WriteStartObject();
                if (item.ContactId is { } id)
                {
                    writer.WriteString(names.ContactId, id);
                }
                else
                {
                    writer.WriteNull(names.ContactId);
                }

                if (item.Phone is { } phone)
                {
                    writer.WriteString(names.Phone, phone);
                }
                else
                {
                    writer.WriteNull(names.Phone);
                }

                writer.WriteBoolean(names.Found, item.Found);
                writer.WritePropertyName(names.Decision);
                if (item.Decision is { } decision)
                {
                    if (!serialized.TryGetValue(decision, out var json))
                    {
                        json = JsonSerializer.SerializeToUtf8Bytes(decision, options);
                        if (serialized.Count < MostCached)
                        {
                            serialized[decision] = json;
                        }
                    }

                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
                if (++written % FlushEvery == 0)
                {
                    writer.Flush();
                    await body.FlushAsync(ct);
                }
            }

            writer.WriteEndArray();
            writer.Flush();
            await body.FlushAsync(ct);

            string Name(string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
        }

        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(IReadOnlyList<BulkDecision>), ["application/json"]));
    }
}
