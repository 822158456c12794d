using System.Security.Claims;
using System.Text;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Transfers;

/// <summary>The export's public key, to give to auditors.</summary>
/// <param name="Algorithm">The signature algorithm of the manifests: <c>ECDSA-P256-SHA256</c>.</param>
/// <param name="Fingerprint"><c>sha256:</c> and the hex SHA-256 of the public key, as manifests name it.</param>
/// <param name="PublicKey">The public key, PEM.</param>
internal sealed record ExportKeyResponse(string Algorithm, string Fingerprint, string PublicKey);

/// <summary>One recorded export.</summary>
/// <param name="Id">The export's id (also the <c>Kabar-Export-Id</c> header of the CSV).</param>
/// <param name="Kind"><c>registered</c> (every contact with a phone) or <c>consented</c> (contacts with WhatsApp consent granted).</param>
/// <param name="RequestedBy">Who asked: <c>api:</c> and the API key's name, or the console user.</param>
/// <param name="FileName">The CSV's file name.</param>
/// <param name="CreatedAt">When it began, ISO 8601 UTC.</param>
/// <param name="CompletedAt">When the last row was written, ISO 8601 UTC; null while running or when cut off.</param>
/// <param name="State"><c>running</c>, <c>completed</c> or <c>aborted</c> (cut off before its end; no manifest).</param>
/// <param name="Rows">Data rows written, once completed.</param>
/// <param name="CsvSha256">SHA-256 (hex) of the CSV as sent, once completed.</param>
/// <param name="KeyFingerprint">The fingerprint of the key that signed its manifest.</param>
/// <param name="ManifestUrl">Where its signed manifest is, once completed.</param>
internal sealed record ExportResponse(Guid Id, string Kind, string RequestedBy, string FileName, DateTime CreatedAt, DateTime? CompletedAt,
    string State, int? Rows, string? CsvSha256, string? KeyFingerprint, string? ManifestUrl);

/// <summary>
/// <c>POST /api/imports/contacts</c> (CSV, report per rejected row), <c>GET /api/exports/contacts.csv</c>
/// (streamed, signed manifest afterwards at <c>GET /api/exports/{id}/manifest</c>), the list of
/// exports and the office's export key (SPEC §9, §13).
/// </summary>
public static class TransfersApi
{
    public const string ExportIdHeader = "Kabar-Export-Id";

    public static IEndpointRouteBuilder MapTransfers(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/imports/contacts", Import).WithTags("Contacts").RequireAuthorization(ApiAuth.WritePolicy).DisableAntiforgery()
            .AcceptsCsv(ContactCsvReference.Columns, ContactCsvReference.Example)
            .WithSummary("Import contacts (and their consent evidence and permits) from CSV; ?dryRun=true checks without writing")
            .WithDescription("Valid rows go in, each rejected row is reported with its line, column and reason; nothing is half-imported.")
            .Answers(Problems.Validation("file", "Upload the CSV as a form file, or send it as the body with Content-Type text/csv."), Problems.Validation("encoding", "'latin2' is not an encoding Kabar reads; use utf-8, windows-1252, iso-8859-1."));

        // Exports hand over personal data in bulk: a write key is required, as for changes.
        var exports = app.MapGroup("/api/exports").WithTags("Exports");
        exports.MapGet("/contacts.csv", Export).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Registered (or ?consented=true consented) contacts as CSV; the signed manifest follows at /api/exports/{id}/manifest");
        exports.MapGet("/", List).RequireAuthorization(ApiAuth.ReadPolicy).WithSummary("Recorded exports, newest first");
        exports.MapGet("/{id:guid}/manifest", Manifest).RequireAuthorization(ApiAuth.ReadPolicy).WithSummary("The signed manifest of a completed export")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Answers(Problems.NotFound($"No export has id {ProblemAnswers.SampleId}."),
                Problems.Conflict("The export is still being written; its manifest is signed when the last row is out."));
        exports.MapGet("/key", Key).RequireAuthorization(ApiAuth.ReadPolicy).WithSummary("The office's public key that signs export manifests");
        return app;
    }

    /// <summary>Who asked, for the record: the API key's name.</summary>
    public static string Requester(ClaimsPrincipal user, string channel) => $"{channel}:{user.FindFirstValue(ClaimTypes.Name) ?? "?"}";

    private static async Task<Results<Ok<ContactImportReport>, ProblemHttpResult>> Import(HttpRequest http, ContactImporter importer,
        bool? dryRun, string? encoding, CancellationToken ct)
    {
        var chosen = CsvImport.ResolveEncoding(encoding, out var problem);
        if (problem is not null)
        {
            return Problems.Validation("encoding", problem);
        }

        var (body, missing) = await CsvUpload.OpenAsync(http, ct);
        if (body is null)
        {
            return missing!;
        }

        await using (body)
        {
            return TypedResults.Ok(await importer.ImportAsync(body, dryRun ?? false, Requester(http.HttpContext.User, "api"), ct, chosen));
        }
    }

    private static async Task Export(HttpContext http, ContactExporter exporter, bool? consented, CancellationToken ct)
    {
        var record = await exporter.BeginAsync(consented == true ? ExportKind.Consented : ExportKind.Registered,
            Requester(http.User, "api"), ct);
        var response = http.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{record.FileName}\"";
        response.Headers[ExportIdHeader] = record.Id.ToString();
        response.Headers.Link = $"</api/exports/{record.Id}/manifest>; rel=\"describedby\"";
        response.Headers.CacheControl = "no-store";
        await exporter.WriteAsync(record, response.Body, ct);
    }

    private static async Task<Ok<List<ExportResponse>>> List(KabarDbContext db, int? take, CancellationToken ct)
    {
        var rows = await db.Set<ExportRecord>().AsNoTracking().OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(Math.Clamp(take ?? 50, 1, 500))
            .Select(e => new ExportResponse(e.Id, e.Kind, e.RequestedBy, e.FileName, e.CreatedAt, e.CompletedAt, e.State, e.Rows, e.CsvSha256,
                e.KeyFingerprint, e.State == "completed" ? "/api/exports/" + e.Id + "/manifest" : null))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Manifest(Guid id, KabarDbContext db, CancellationToken ct)
    {
        var export = await db.Set<ExportRecord>().AsNoTracking().Where(e => e.Id == id).Select(e => new { e.State, e.Manifest })
            .FirstOrDefaultAsync(ct);
        if (export is null)
        {
            return Problems.NotFound($"No export has id {id}.");
        }

        return export.Manifest is null
            ? Problems.Conflict(export.State == "running"
                ? "The export is still being written; its manifest is signed when the last row is out."
                : "The export was cut off before its end; it has no manifest. Export again.")
            : TypedResults.Content(export.Manifest, "application/json", Encoding.UTF8);
    }

    private static async Task<Ok<ExportKeyResponse>> Key(ExportSigningKey keys, CancellationToken ct)
    {
        var key = await keys.GetAsync(ct);
        return TypedResults.Ok(new ExportKeyResponse(ExportSigningKey.Algorithm, ExportSigningKey.Fingerprint(key), ExportSigningKey.PublicPem(key)));
    }
}
