using System.Security.Claims;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Privacy;

/// <summary>
/// Data subject requests over the API (SPEC §11, §13): export, correction, erasure, and the
/// register of requests. All need a <c>write</c> key: an export is a person's whole record, and
/// a read key is given to dashboards and reporting tools, not to whoever answers citizens.
/// </summary>
public static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        var contacts = app.MapGroup("/api/contacts").WithTags("Data subject requests").RequireAuthorization(ApiAuth.WritePolicy);
        contacts.MapGet("/{id:guid}/export", Export)
            .WithSummary("Everything Kabar holds on the contact, as JSON (right of access); recorded as a request")
            .Answers(Problems.Validation("receivedAt", "When the person asked: an ISO 8601 time not in the future."), Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."));
        contacts.MapPatch("/{id:guid}", Correct)
            .WithSummary("Correct name, e-mail or language (right to rectification); recorded as a request")
            .Answers(Problems.Validation("email", "'siti@' is not an e-mail address; use the form name@example.id."), Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."),
                Problems.Conflict("The contact's data was erased on 2026-11-20; there is nothing left to correct."));
        contacts.MapDelete("/{id:guid}", Erase)
            .WithSummary("Erase the contact's personal data (right to erasure); recorded as a request; repeatable")
            .WithDescription("Personal data is removed in one transaction; the ledger keeps a keyed hash of the phone so a later re-import "
                + "is recognised, and aggregates stay. A repeat answers 200 with outcome `no_change`.")
            .Answers(Problems.Validation("reference", "The office's case number: at most 100 characters."), Problems.NotFound($"No contact has id {ProblemAnswers.SampleId}."));

        app.MapGroup("/api/data-subject-requests").WithTags("Data subject requests").RequireAuthorization(ApiAuth.WritePolicy)
            .MapGet("/", List).WithSummary("The register of data subject requests, newest first (?contactId=&kind=&from=&to=&after=)")
            .Answers(Problems.Validation("kind", $"Use {EnumText<DataSubjectRequestKind>.Choices}."));
        return app;
    }

    private static string Who(ClaimsPrincipal user) => "api:" + (user.FindFirstValue(ClaimTypes.Name) ?? "?");

    private static ProblemHttpResult? CheckRequest(string? reference, DateTime? receivedAt, DateTime now)
    {
        if (reference is { Length: > 100 })
        {
            return Problems.Validation("reference", "The office's case number: at most 100 characters.");
        }

        if (receivedAt is { } at && at.ToUniversalTime() > now.AddMinutes(5))
        {
            return Problems.Validation("receivedAt", "When the person asked: an ISO 8601 time not in the future.");
        }

        return null;
    }

    private static async Task<Results<Ok<ContactExport>, ProblemHttpResult>> Export(Guid id, string? reference, DateTime? receivedAt,
        ClaimsPrincipal user, DataSubjects subjects, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (CheckRequest(reference, receivedAt, time.GetUtcNow().UtcDateTime) is { } problem)
        {
            return problem;
        }

        var export = await subjects.ExportAsync(id, new RequestContext(Who(user), Trim(reference), receivedAt?.ToUniversalTime()), ct);
        if (export is null)
        {
            return Problems.NotFound($"No contact has id {id}.");
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"kabar-contact-{id}.json\"";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(export);
    }

    private static async Task<Results<Ok<CorrectionResponse>, ProblemHttpResult>> Correct(Guid id, ContactCorrection request,
        ClaimsPrincipal user, DataSubjects subjects, DecisionInputs inputs, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (CheckRequest(request.Reference, request.ReceivedAt, now) is { } problem)
        {
            return problem;
        }

        var result = await subjects.CorrectAsync(id, request,
            new RequestContext(Who(user), Trim(request.Reference), request.ReceivedAt?.ToUniversalTime()), ct);
        return result.Status switch
        {
            DataSubjects.Status.NotFound => Problems.NotFound($"No contact has id {id}."),
            DataSubjects.Status.Invalid => Problems.Validation(result.Field!, result.Problem!),
            DataSubjects.Status.Erased => Problems.Conflict(result.Problem!),
            _ => TypedResults.Ok(new CorrectionResponse(result.Value!.Contact.ToResponse(now, inputs.Policy), result.Value!.Request.ToResponse())),
        };
    }

    private static async Task<Results<Ok<ErasureResponse>, ProblemHttpResult>> Erase(Guid id, string? reference, DateTime? receivedAt,
        ClaimsPrincipal user, DataSubjects subjects, TimeProvider time, CancellationToken ct)
    {
        if (CheckRequest(reference, receivedAt, time.GetUtcNow().UtcDateTime) is { } problem)
        {
            return problem;
        }

        var result = await subjects.EraseAsync(id, new RequestContext(Who(user), Trim(reference), receivedAt?.ToUniversalTime()), ct);
        return result.Status == DataSubjects.Status.NotFound
            ? Problems.NotFound($"No contact has id {id}.")
            : TypedResults.Ok(new ErasureResponse(id, result.Value!.Contact.ErasedAt!.Value, result.Value!.Request.ToResponse()));
    }

    private static async Task<Results<Ok<DataSubjectRequestPage>, ProblemHttpResult>> List(Guid? contactId, string? kind,
        DateTime? from, DateTime? to, string? after, int? limit, KabarDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        DataSubjectRequestKind parsedKind = default;
        if (kind is not null && !EnumText<DataSubjectRequestKind>.TryParse(kind, out parsedKind))
        {
            errors.Add("kind", $"Use {EnumText<DataSubjectRequestKind>.Choices}.");
        }

        var take = KeysetPaging.ReadLimit(limit, errors);
        var cursor = KeysetPaging.ReadCursor(after, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var q = db.DataSubjectRequests.AsNoTracking();
        if (contactId is { } c)
        {
            q = q.Where(r => r.ContactId == c);
        }

        if (kind is not null)
        {
            q = q.Where(r => r.Kind == parsedKind);
        }

        var fetched = await q.Within(r => r.AnsweredAt, from, to).Page(r => r.AnsweredAt, r => r.Id, cursor, take).ToListAsync(ct);
        var (page, next) = KeysetPaging.Cut(fetched, take, r => new KeysetCursor(r.AnsweredAt, r.Id));
        return TypedResults.Ok(new DataSubjectRequestPage([.. page.Select(r => r.ToResponse())], next));
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
