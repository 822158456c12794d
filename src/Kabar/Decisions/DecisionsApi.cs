using Kabar.Auth;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Decisions;

/// <summary><c>POST /api/decisions</c>: the decision of SPEC §5 as a dry run; nothing is stored or created.</summary>
internal static class DecisionsApi
{
    public sealed record DecisionRequest(Guid? ContactId, string? Phone, DecisionMessageRequest? Message);

    public sealed record DecisionMessageRequest(string? Kind, string? Category, bool? HasTemplateVariant);

    public static IEndpointRouteBuilder MapDecisions(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/decisions").WithTags("Decisions").RequireAuthorization(ApiAuth.ReadPolicy)
            .MapPost("/", Decide).WithSummary("Dry run of the channel decision for a contact or phone and a message; nothing is stored");
        return app;
    }

    private static async Task<Results<Ok<Decision>, ProblemHttpResult>> Decide(DecisionRequest request,
        KabarDbContext db, PhoneNormalizer phones, DecisionInputs inputs, KabarMetrics metrics, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var phone = phones.NormalizeReference(request.ContactId, request.Phone, errors);

        var kind = MessageKind.Template;
        var category = MessageCategory.Utility;
        if (request.Message is null)
        {
            errors.Add("message", "Describe the message: { \"kind\": \"template\" or \"text\", \"category\": \"utility\", \"marketing\" or \"authentication\" }.");
        }
        else
        {
            if (!EnumText<MessageKind>.TryParse(request.Message.Kind, out kind))
            {
                errors.Add("message.kind", $"Use {EnumText<MessageKind>.Choices}.");
            }

            if (request.Message.Category is not null && !EnumText<MessageCategory>.TryParse(request.Message.Category, out category))
            {
                errors.Add("message.category", $"Use {EnumText<MessageCategory>.Choices}.");
            }
        }

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
            : new DecisionContact { Phone = phone, PhoneRegion = PhoneNormalizer.RegionOf(phone), WhatsApp = ConsentState.Unknown };
        var message = new DecisionMessage(kind, category, request.Message!.HasTemplateVariant ?? false);
        var decision = SendDecision.Decide(subject, message, time.GetUtcNow().UtcDateTime, inputs.Policy);
        metrics.Decided(decision, KabarMetrics.AtDryRun);
        return TypedResults.Ok(decision);
    }
}
