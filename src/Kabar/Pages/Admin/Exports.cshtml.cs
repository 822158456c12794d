using Kabar.Admin;
using Kabar.Common;
using Kabar.Data;
using Kabar.Transfers;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/exports</c>: the record of every contact export (viewers read it and fetch manifests),
/// downloads of registered and consented contacts, and the contact import with its dry run and
/// report (operators and admins). The office's key fingerprint is shown for auditors.
/// </summary>
public sealed class ExportsModel(KabarDbContext db, ContactExporter exporter, ContactImporter importer, ExportSigningKey keys,
    ILogger<ExportsModel> logger) : AdminPageModel
{
    public IReadOnlyList<ExportRecord> Exports { get; private set; } = [];

    public string? Fingerprint { get; private set; }

    public ContactImportReport? Report { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The signed manifest of a completed export, as the file an auditor checks with <c>kabar export verify</c>.</summary>
    public async Task<IActionResult> OnGetManifestAsync(Guid id, CancellationToken ct)
    {
        var export = await db.Exports.AsNoTracking().Where(e => e.Id == id).Select(e => new { e.FileName, e.Manifest }).FirstOrDefaultAsync(ct);
        return export?.Manifest is null
            ? NotFound()
            : File(System.Text.Encoding.UTF8.GetBytes(export.Manifest), "application/json", export.FileName + ".manifest.json");
    }

    public async Task<IActionResult> OnPostDownloadAsync(string? kind, CancellationToken ct)
    {
        if (!CanOperate)
        {
            // Viewers see what was exported; handing out the people's data is an operator's act.
            return Forbid(AdminAuth.Scheme);
        }

        var record = await exporter.BeginAsync(kind == "consented" ? ExportKind.Consented : ExportKind.Registered,
            "console:" + (OperatorEmail ?? "?"), ct);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{record.FileName}\"";
        Response.Headers[TransfersApi.ExportIdHeader] = record.Id.ToString();
        Response.Headers.CacheControl = "no-store";
        await exporter.WriteAsync(record, Response.Body, ct);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, bool dryRun, string? encoding, CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var chosen = CsvImport.ResolveEncoding(encoding, out var problem);
        if (file is null || file.Length == 0 || problem is not null)
        {
            Error = problem ?? L("Pilih berkas CSV yang akan diimpor.", "Choose the CSV file to import.");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else
        {
            await using var stream = file.OpenReadStream();
            Report = await importer.ImportAsync(stream, dryRun, "console:" + (OperatorEmail ?? "?"), ct, chosen);
            logger.LogInformation("Operator {Email} imported contacts (dry run {DryRun}): {Created} new, {Updated} updated, {Rejected} rejected",
                OperatorEmail, dryRun, Report.Created, Report.Updated, Report.Rejected);
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Exports = await db.Exports.AsNoTracking().OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(50)
            .Select(e => new ExportRecord
            {
                Id = e.Id,
                Kind = e.Kind,
                RequestedBy = e.RequestedBy,
                FileName = e.FileName,
                CreatedAt = e.CreatedAt,
                CompletedAt = e.CompletedAt,
                State = e.State,
                Rows = e.Rows,
                CsvSha256 = e.CsvSha256,
                KeyFingerprint = e.KeyFingerprint,
            }).ToListAsync(ct);
        var key = await keys.FindAsync(ct);
        Fingerprint = key is null ? null : ExportSigningKey.Fingerprint(key);
    }
}
