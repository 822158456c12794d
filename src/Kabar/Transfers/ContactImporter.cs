using System.Text;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Transfers;

/// <summary>
/// Imports existing contacts from CSV (SPEC §9): UTF-8 with a header row, one person per phone.
/// A row records a consent only when it carries the evidence (where it was given, when, and the
/// version of the text the person agreed to); it never invents one, and it never overrides a newer
/// entry of the ledger. A row may also carry one permit of the person (the permit import's columns).
/// Valid rows go in whole, in one transaction; rejected rows change nothing.
/// </summary>
public sealed partial class ContactImporter(IServiceScopeFactory scopes, PhoneNormalizer phones, TimeProvider time, WriteGate gate,
    Privacy.ErasureRegistry erasures, IOptions<PolicyOptions> policy)
{
    public static readonly string[] ContactColumns =
        ["phone", "name", "email", "language", "consent", "consent_scope", "consent_source", "consent_at", "text_version"];

    /// <summary>The permit columns a row may add (as <c>import permits</c>, the holder being the row's person).</summary>
    public static readonly string[] PermitColumns =
    [
        "external_ref", "permit_number", "permit_type", "status", "issued_on", "expires_on", "renewal_of", "registration_id",
        "download_link", "renewal_link", "detail_link",
    ];

    public static IEnumerable<string> Columns => ContactColumns.Concat(PermitColumns);

    /// <summary>Other names accepted in the header, so a file exported by Kabar imports as it is.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["consent_state"] = "consent",
        ["consent_date"] = "consent_at",
        ["consent_text_version"] = "text_version",
        ["holder_phone"] = "phone",
        ["holder_name"] = "name",
        ["holder_email"] = "email",
        ["holder_language"] = "language",
    };

    private const int Batch = 500;

    /// <summary>Imports <paramref name="csv"/>; <paramref name="progress"/> hears (rows done, rows in the file) now and then.</summary>
    public async Task<ContactImportReport> ImportAsync(Stream csv, bool dryRun, string importedBy, CancellationToken ct,
        Encoding? encoding = null, IProgress<(int Done, int Total)>? progress = null)
    {
        var errors = new List<ImportRowError>();
        var readNotes = new List<ImportRowError>();
        var valid = new List<Row>();
        var rows = 0;
        var now = time.GetUtcNow().UtcDateTime;
        HashSet<string> versions;
        await using (var scope = scopes.CreateAsyncScope())
        {
            versions = (await scope.ServiceProvider.GetRequiredService<KabarDbContext>().ConsentTexts.AsNoTracking()
                .Select(t => t.Version).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        await using (var parser = CsvImport.Open(csv, encoding))
        {
            var header = (await CsvImport.ReadHeaderAsync(parser, ct)).Select(h => Aliases.GetValueOrDefault(h, h)).ToArray();
            if (header.Length == 0 || header.All(h => h.Length == 0))
            {
                return Report(0, 0, 0, 0, (0, 0), [new ImportRowError(1, "", "The file is empty; the first line must name the columns: " + string.Join(",", ContactColumns) + ".")], [], dryRun);
            }

            if (!header.Contains("phone"))
            {
                return Report(0, 0, 0, 0, (0, 0), [new ImportRowError(1, "phone", $"The header has no 'phone' column. Columns: {string.Join(",", ContactColumns)} (and, for a permit, {string.Join(",", PermitColumns)}).")], [], dryRun);
            }

            rows = await ReadRowsAsync(parser, header, new RowRules(versions, zone, now), valid, (errors, readNotes), progress, ct);
        }

        // A webhook changing one of these contacts at the same moment (PostgreSQL) makes the
        // transaction lose on the ledger's concurrency token; nothing was kept, so run it again.
        for (var attempt = 1; ; attempt++)
        {
            var writeErrors = new List<ImportRowError>(errors);
            var writeNotes = new List<ImportRowError>(readNotes);
            try
            {
                var outcome = await WriteAsync(valid, dryRun, importedBy, now, writeErrors, writeNotes, rows, progress, ct);
                return Report(rows, outcome.Created, outcome.Updated, outcome.Consents, outcome.Permits, writeErrors, writeNotes, dryRun);
            }
            catch (Exception ex) when (attempt < 3 && ex.IsRetryableConflict())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
        }
    }

    /// <summary>Reads and validates every row: the valid ones into <paramref name="valid"/>; returns the number of rows read.</summary>
    private async Task<int> ReadRowsAsync(CsvHelper.CsvReader parser, string[] header, RowRules rules, List<Row> valid,
        (List<ImportRowError> Errors, List<ImportRowError> Notes) report, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var errors = report.Errors;
        var rows = 0;
        var firstOfPhone = new Dictionary<string, Row>(StringComparer.Ordinal);
        var firstOfPermit = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await parser.ReadAsync(ct))
        {
            rows++;
            if (rows % 5000 == 0)
            {
                progress?.Report((0, rows));
            }

            var line = (int)parser.LineNumber;
            if (CsvImport.FirstInvalidUtf8Field(parser) is >= 0 and var bad)
            {
                errors.Add(new ImportRowError(line, bad < header.Length ? header[bad] : "", CsvImport.InvalidUtf8Reason));
                continue;
            }

            var row = Validate(parser, header, line, rules, errors, report.Notes);
            if (row is null)
            {
                continue;
            }

            if (row.Permit is { } permit)
            {
                if (firstOfPermit.TryGetValue(permit.ExternalRef, out var firstLine))
                {
                    errors.Add(new ImportRowError(line, "external_ref", $"'{permit.ExternalRef}' is already on line {firstLine}; each permit once per file."));
                    continue;
                }
            }

            if (firstOfPhone.TryGetValue(row.Phone, out var first))
            {
                // One person per phone. A person with several permits has a row per permit;
                // the later rows must then say the same about the person (or leave it empty).
                var later = row with { Name = row.Name ?? first.Name, Email = row.Email ?? first.Email, Language = row.Language ?? first.Language, Consent = row.Consent ?? first.Consent };
                if (row.Permit is null || !later.SamePerson(first))
                {
                    errors.Add(new ImportRowError(line, "phone", row.Permit is null
                        ? $"{Pii.MaskPhone(row.Phone)} is already on line {first.Line}; each person once per file (a second permit of the same person may repeat the phone with the same details)."
                        : $"{Pii.MaskPhone(row.Phone)} is already on line {first.Line} with other details; a repeated phone must carry the same name, e-mail, language and consent, or leave them empty."));
                    continue;
                }

                row = row with { Name = null, Email = null, Language = null, Consent = null };
            }
            else
            {
                firstOfPhone[row.Phone] = row;
            }

            if (row.Permit is { } p)
            {
                firstOfPermit[p.ExternalRef] = line;
            }

            valid.Add(row);
        }

        return rows;
    }

    private static ContactImportReport Report(int rows, int created, int updated, int consents, (int Created, int Updated) permits,
        List<ImportRowError> errors, List<ImportRowError> notes, bool dryRun)
    {
        var order = Columns.ToList();
        var rejected = errors.Where(e => e.Line > 1 || rows > 0).Select(e => e.Line).Distinct().Count();
        return new ContactImportReport(rows, created, updated, Math.Max(0, rows - created - updated - rejected), rejected, consents,
            permits.Created, permits.Updated, dryRun,
            errors.OrderBy(e => e.Line).ThenBy(e => order.IndexOf(e.Column)).ToList(),
            notes.OrderBy(e => e.Line).ToList());
    }
}
