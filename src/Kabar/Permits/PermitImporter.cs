using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;

namespace Kabar.Permits;

/// <summary>The outcome of a permit import: counts and one entry per rejected row.</summary>
/// <param name="Rows">Data rows read (the header not counted).</param>
/// <param name="Created">Rows that created a permit.</param>
/// <param name="Updated">Rows that changed an existing permit (matched by external_ref).</param>
/// <param name="Rejected">Rows refused; <c>errors</c> says why.</param>
/// <param name="DryRun">true when called with <c>?dryRun=true</c>: the counts are what would happen; nothing was written.</param>
/// <param name="Errors">Why each rejected row was refused, by line and column.</param>
public sealed record PermitImportReport(int Rows, int Created, int Updated, int Rejected, bool DryRun, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Imports existing permits from CSV (UTF-8, header row; SPEC §9). Valid rows go in, each whole
/// (holder, permit, renewal link); rejected rows are reported and change nothing. An import
/// records the office's backlog as it is: it sends no status notices, but imported permits get
/// their expiry reminders like any other.
/// </summary>
public sealed class PermitImporter(IServiceScopeFactory scopes, PhoneNormalizer phones, TimeProvider time, WriteGate gate)
{
    public static readonly string[] Columns =
    [
        "external_ref", "permit_number", "permit_type", "status", "holder_phone", "holder_name", "holder_email", "holder_language",
        "issued_on", "expires_on", "renewal_of", "registration_id", "download_link", "renewal_link", "detail_link",
    ];

    private static readonly string[] RequiredColumns = ["external_ref", "permit_type", "status"];

    private const int Batch = 500;

    public async Task<PermitImportReport> ImportAsync(Stream csv, bool dryRun, CancellationToken ct, System.Text.Encoding? encoding = null)
    {
        var errors = new List<ImportRowError>();
        var valid = new List<(int Line, PermitInput Input)>();
        var rows = 0;
        await using (var parser = CsvImport.Open(csv, encoding))
        {
            var header = await CsvImport.ReadHeaderAsync(parser, ct);
            if (header.Length == 0 || header.All(h => h.Length == 0))
            {
                return new PermitImportReport(0, 0, 0, 0, dryRun, [new ImportRowError(1, "", "The file is empty; the first line must name the columns: " + string.Join(",", Columns) + ".")]);
            }

            var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
            if (!header.Contains("holder_phone") && !header.Contains("holder_email"))
            {
                missing.Add("holder_phone");
            }

            if (missing.Count > 0)
            {
                return new PermitImportReport(0, 0, 0, 0, dryRun,
                    missing.Select(m => new ImportRowError(1, m, $"The header has no '{m}' column. Columns: {string.Join(",", Columns)}.")).ToList());
            }

            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            while (await parser.ReadAsync(ct))
            {
                rows++;
                var line = (int)parser.LineNumber;
                if (CsvImport.FirstInvalidUtf8Field(parser) is >= 0 and var bad)
                {
                    errors.Add(new ImportRowError(line, bad < header.Length ? header[bad] : "", CsvImport.InvalidUtf8Reason));
                    continue;
                }

                if (Enumerable.Range(0, Math.Min(parser.FieldCount, header.Length))
                        .FirstOrDefault(i => header[i] != "holder_phone" && CsvImport.LooksLikeFormula(parser.GetString(i)), -1) is >= 0 and var formula)
                {
                    errors.Add(new ImportRowError(line, header[formula], CsvImport.FormulaReason(parser.GetString(formula))));
                    continue;
                }

                var input = ValidateRow(parser, header, line, errors);
                if (input is null)
                {
                    continue;
                }

                if (seen.TryGetValue(input.ExternalRef, out var first))
                {
                    errors.Add(new ImportRowError(line, "external_ref", $"'{input.ExternalRef}' is already on line {first}; each permit once per file."));
                    continue;
                }

                seen[input.ExternalRef] = line;
                valid.Add((line, input));
            }
        }

        var (created, updated) = await WriteAsync(valid, dryRun, errors, ct);
        var ordered = errors.OrderBy(e => e.Line).ThenBy(e => Array.IndexOf(Columns, e.Column)).ToList();
        var rejected = errors.Select(e => e.Line).Distinct().Count();
        return new PermitImportReport(rows, created, updated, rejected, dryRun, ordered);
    }

    /// <summary>The row as a permit, or null with its problems added to <paramref name="errors"/>.</summary>
    private PermitInput? ValidateRow(CsvHelper.CsvReader parser, string[] header, int line, List<ImportRowError> errors)
    {
        string? Get(string column)
        {
            var index = Array.IndexOf(header, column);
            return index < 0 || index >= parser.FieldCount ? null : PermitValidation.Trim(parser.GetString(index));
        }

        var request = PermitCsvColumns.Request(Get,
            new PersonRequest(Get("holder_phone"), Get("holder_name"), Get("holder_email"), Get("holder_language")));
        var fieldErrors = new FieldErrors();
        var input = PermitValidation.Validate(request, phones, fieldErrors);
        if (input is null)
        {
            foreach (var (field, messages) in fieldErrors.Entries)
            {
                errors.AddRange(messages.Select(m => new ImportRowError(line, PermitCsvColumns.ColumnOf(field, "holder_"), m)));
            }
        }

        return input;
    }

    private async Task<(int Created, int Updated)> WriteAsync(List<(int Line, PermitInput Input)> valid, bool dryRun,
        List<ImportRowError> errors, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        int created = 0, updated = 0;
        using var turn = await gate.EnterAsync(ct, urgent: false);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var writer = scope.ServiceProvider.GetRequiredService<PermitWriter>();

        // One transaction: a crash or a lost race leaves nothing of the import behind.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pending = 0;
        var cancel = new List<Guid>();
        foreach (var (line, input) in valid)
        {
            var outcome = await writer.UpsertAsync(db, input, now, notify: false, ct);
            if (outcome.Permit is null)
            {
                errors.Add(new ImportRowError(line, PermitCsvColumns.ColumnOf(outcome.ErrorField!, "holder_"), outcome.Error!));
                continue;
            }

            cancel.AddRange(outcome.CancelRemindersOf);
            if (outcome.Created)
            {
                created++;
            }
            else
            {
                updated++;
            }

            if (++pending == Batch)
            {
                await db.SaveChangesAsync(ct);
                await PermitWriter.CancelExpiryRemindersAsync(db, cancel, now, ct);
                db.ChangeTracker.Clear();
                cancel.Clear();
                pending = 0;
            }
        }

        await db.SaveChangesAsync(ct);
        await PermitWriter.CancelExpiryRemindersAsync(db, cancel, now, ct);
        if (dryRun)
        {
            await tx.RollbackAsync(ct);
        }
        else
        {
            await tx.CommitAsync(ct);
        }

        return (created, updated);
    }
}
