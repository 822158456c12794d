using Kabar.Auth;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Permits;

/// <summary>
/// <c>POST /api/permits</c> (upsert by external reference), <c>GET /api/permits/{id}</c> and
/// <c>POST /api/imports/permits</c> (CSV with a report per rejected row), SPEC §9 and §13.
/// </summary>
public static class PermitsApi
{
    public static IEndpointRouteBuilder MapPermits(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/permits/{id:guid}", GetById).WithTags("Permits").RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("A permit: status, dates, holder, waiting documents and the notifications about it")
            .Answers(Problems.NotFound($"No permit has id {ProblemAnswers.SampleId}."));
        app.MapPost("/api/permits", Upsert).WithTags("Permits").RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Create or update a permit by externalRef; a status change notifies the holder")
            .WithDescription("201 for a new permit, 200 for an update. Reaching `issued` sends `permit_ready` (or `permit_renewal_approved` "
                + "when `renewalOf` is set, which also cancels the old permit's reminders); any other status change sends `status_update`. "
                + "Expiry reminders are planned from `expiresOn`.")
            .Answers(Problems.Validation("status", $"'done' is not a permit status; use {EnumText<PermitStatus>.Choices}."));
        app.MapPost("/api/imports/permits", Import).WithTags("Permits").RequireAuthorization(ApiAuth.WritePolicy)
            .DisableAntiforgery()
            .AcceptsCsv(PermitCsvReference.Columns, PermitCsvReference.Example)
            .WithSummary("Import permits from CSV, with a report per rejected row; ?dryRun=true checks without writing")
            .Answers(Problems.Validation("file", "Upload the CSV as a form file, or send it as the body with Content-Type text/csv."), Problems.Validation("encoding", "'latin2' is not an encoding Kabar reads; use utf-8, windows-1252, iso-8859-1."));
        return app;
    }

    private static async Task<Results<Ok<PermitResponse>, ProblemHttpResult>> GetById(Guid id, KabarDbContext db, CancellationToken ct)
    {
        var permit = await db.Permits.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return permit is null
            ? Problems.NotFound($"No permit has id {id}.")
            : TypedResults.Ok(await ResponseAsync(db, permit, ct));
    }

    private static async Task<Results<Created<PermitResponse>, Ok<PermitResponse>, ProblemHttpResult>> Upsert(
        PermitRequest request, IServiceScopeFactory scopes, PhoneNormalizer phones, NotificationWriter writer, TimeProvider time,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var input = PermitValidation.Validate(request, phones, errors);
        if (input is null)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var result = await scopes.RunWithRetryAsync(async (sp, token) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var outcome = await sp.GetRequiredService<PermitWriter>().UpsertAsync(db, input, now, notify: true, token);
            if (outcome.Permit is null)
            {
                return (outcome, (PermitResponse?)null);
            }

            await db.SaveChangesAsync(token);
            await PermitWriter.CancelExpiryRemindersAsync(db, outcome.CancelRemindersOf, now, token);
            await tx.CommitAsync(token);
            return (outcome, await ResponseAsync(db, outcome.Permit, token));
        }, ct);

        var (done, response) = result;
        if (response is null)
        {
            return Problems.Validation(done.ErrorField!, done.Error!);
        }

        writer.Wake();
        return done.Created ? TypedResults.Created($"/api/permits/{response.Id}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<PermitImportReport>, ProblemHttpResult>> Import(HttpRequest http, PermitImporter importer,
        bool? dryRun, string? encoding, CancellationToken ct)
    {
        var chosen = CsvImport.ResolveEncoding(encoding, out var problem);
        if (problem is not null)
        {
            return Problems.Validation("encoding", problem);
        }

        var (body, missing) = await Transfers.CsvUpload.OpenAsync(http, ct);
        if (body is null)
        {
            return missing!;
        }

        await using (body)
        {
            return TypedResults.Ok(await importer.ImportAsync(body, dryRun ?? false, ct, chosen));
        }
    }

    internal static async Task<PermitResponse> ResponseAsync(KabarDbContext db, Permit p, CancellationToken ct)
    {
        var documents = await db.PermitDocuments.AsNoTracking().Where(d => d.PermitId == p.Id).OrderBy(d => d.Name)
            .Select(d => new DocumentResponse(d.Name, d.Role, d.AssigneeContactId, d.PendingSince, d.DoneAt)).ToListAsync(ct);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.PermitId == p.Id).OrderBy(n => n.CreatedAt)
            .Select(n => new PermitNotificationResponse(n.Id, n.Type, n.State, n.ContactId, n.DueAt)).ToListAsync(ct);
        var related = new[] { p.RenewalOfId, p.RenewedById }.OfType<Guid>().ToList();
        var refs = related.Count == 0
            ? []
            : await db.Permits.AsNoTracking().Where(o => related.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ExternalRef, ct);
        return new PermitResponse(p.Id, p.ExternalRef, p.PermitNumber, p.PermitType, p.Status, p.StatusChangedAt, p.HolderContactId,
            p.RegistrationId, p.IssuedOn, p.ExpiresOn,
            p.RenewalOfId is { } r ? refs.GetValueOrDefault(r) : null,
            p.RenewedById is { } b ? refs.GetValueOrDefault(b) : null,
            new PermitLinks(p.DownloadLink, p.RenewalLink, p.DetailLink), documents, notifications);
    }
}
