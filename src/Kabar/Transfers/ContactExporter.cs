using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Transfers;

/// <summary>
/// Streams contacts as CSV (SPEC §9: UTF-8, header row; phone, name, consent state, source, time,
/// text version), one database query read row by row in a stable order (contact id), hashing
/// while it writes, then signs the manifest and records the export.
/// </summary>
public sealed class ContactExporter(IServiceScopeFactory scopes, ExportSigningKey keys, TimeProvider time, ILogger<ContactExporter> logger)
{
    public static readonly string[] Columns = ["phone", "name", "consent_state", "consent_source", "consent_at", "text_version"];

    private const int FlushBytes = 64 * 1024;

    /// <summary><c>contacts-YYYYMMDD-HHMMSS.csv</c>, in UTC.</summary>
    public static string DefaultFileName(DateTime at) => $"contacts-{at:yyyyMMdd-HHmmss}.csv";

    public static string KindName(ExportKind kind) => kind == ExportKind.Consented ? "consented" : "registered";

    /// <summary>Records a new export (state <c>running</c>); its id can be announced before the first byte.</summary>
    public async Task<ExportRecord> BeginAsync(ExportKind kind, string requestedBy, CancellationToken ct, string? fileName = null)
    {
        // The key first: an export that could not be signed is not started.
        await keys.GetAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var record = new ExportRecord
        {
            Id = Guid.CreateVersion7(),
            Kind = KindName(kind),
            RequestedBy = requestedBy.Length > 300 ? requestedBy[..300] : requestedBy,
            FileName = fileName is { Length: > 0 and <= 64 } ? fileName : DefaultFileName(now),
            CreatedAt = now,
            State = "running",
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        db.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>Writes the CSV of <paramref name="record"/> to <paramref name="output"/> and returns its signed manifest.</summary>
    public async Task<ExportManifest> WriteAsync(ExportRecord record, Stream output, CancellationToken ct,
        IProgress<int>? progress = null)
    {
        try
        {
            var manifest = await WriteCoreAsync(record, output, progress, ct);
            await FinishAsync(record.Id, "completed", manifest, CancellationToken.None);
            logger.LogInformation("Export {ExportId} ({Kind}) for {RequestedBy}: {Rows} row(s)", record.Id, record.Kind, record.RequestedBy, manifest.RowCount);
            return manifest;
        }
        catch
        {
            await FinishAsync(record.Id, "aborted", null, CancellationToken.None);
            throw;
        }
    }

    private async Task<ExportManifest> WriteCoreAsync(ExportRecord record, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        var kind = record.Kind == "consented" ? ExportKind.Consented : ExportKind.Registered;
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        var rows = new List<ExportManifestRow>();

        // A byte order mark, as Excel's own "CSV UTF-8" writes: without it Excel reads the file as
        // the local code page and garbles every accented name.
        buffer.Write(Encoding.UTF8.Preamble);
        WriteRecord(buffer, Columns);
        buffer.Write("\r\n"u8);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var query = db.Contacts.AsNoTracking().Where(c => c.Phone != null && c.ErasedAt == null);
        if (kind == ExportKind.Consented)
        {
            query = query.Where(c => c.WhatsAppConsent == ConsentState.Granted);
        }

        // One statement, read as it arrives: both databases give it a consistent snapshot, and no
        // more than one row and the write buffer are held in memory (plus the manifest's rows).
        var source = query.OrderBy(c => c.Id).Select(c => new
        {
            c.Id,
            c.Phone,
            c.Name,
            c.WhatsAppConsent,
            c.WhatsAppConsentAt,
            c.LedgerHead,
            Last = db.ConsentEvents.Where(e => e.ContactId == c.Id && e.Scope == ConsentScope.WhatsApp)
                .OrderByDescending(e => e.Seq).Select(e => new { e.Source, e.TextVersion }).FirstOrDefault(),
        }).AsAsyncEnumerable();

        var fields = new string[Columns.Length];
        await foreach (var c in source.WithCancellation(ct))
        {
            // The phone is written as it is: Kabar stores only '+' and digits (E.164), which no
            // spreadsheet runs as a formula, and a quote in front would break every program
            // that reads the number. Free text is neutralised.
            fields[0] = c.Phone!;
            fields[1] = CsvImport.Neutralize(c.Name ?? "");
            fields[2] = EnumText<ConsentState>.Name(c.WhatsAppConsent);
            fields[3] = c.Last is null ? "" : EnumText<ConsentSource>.Name(c.Last.Source);
            fields[4] = c.WhatsAppConsentAt?.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";
            fields[5] = CsvImport.Neutralize(c.Last?.TextVersion ?? "");
            var start = buffer.WrittenCount;
            WriteRecord(buffer, fields);
            rows.Add(new ExportManifestRow(c.Id, c.LedgerHead, ExportManifest.RowDigest(buffer.WrittenSpan[start..])));
            buffer.Write("\r\n"u8);
            if (buffer.WrittenCount >= FlushBytes)
            {
                await FlushAsync(buffer, fileHash, output, ct);
                progress?.Report(rows.Count);
            }
        }

        await FlushAsync(buffer, fileHash, output, ct);
        await output.FlushAsync(ct);
        progress?.Report(rows.Count);

        var key = await keys.GetAsync(ct);
        var fingerprint = ExportSigningKey.Fingerprint(key);
        var csvSha = Convert.ToHexStringLower(fileHash.GetHashAndReset());
        var rowsSha = ExportManifest.RowsDigest(rows);
        var signed = ExportManifest.SignedBytes(record.Id, record.Kind, record.FileName, record.CreatedAt, record.RequestedBy, Columns,
            rows.Count, csvSha, rowsSha, fingerprint);
        var signature = Convert.ToBase64String(key.SignData(signed, HashAlgorithmName.SHA256));
        return new ExportManifest(ExportManifest.FormatName, record.Id, record.Kind, record.FileName, record.CreatedAt, record.RequestedBy,
            Columns, rows.Count, csvSha, rowsSha, rows,
            new ExportSignature(ExportSigningKey.Algorithm, fingerprint, ExportSigningKey.PublicPem(key), signature));
    }

    private static async Task FlushAsync(ArrayBufferWriter<byte> buffer, IncrementalHash hash, Stream output, CancellationToken ct)
    {
        hash.AppendData(buffer.WrittenSpan);
        await output.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    private async Task FinishAsync(Guid id, string state, ExportManifest? manifest, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var json = manifest is null ? null : System.Text.Json.JsonSerializer.Serialize(manifest, ExportManifest.Json);
            await db.Set<ExportRecord>().Where(e => e.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, state)
                .SetProperty(e => e.CompletedAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(e => e.Rows, manifest == null ? null : manifest.RowCount)
                .SetProperty(e => e.CsvSha256, manifest == null ? null : manifest.CsvSha256)
                .SetProperty(e => e.KeyFingerprint, manifest == null ? null : manifest.Signature.KeyFingerprint)
                .SetProperty(e => e.Manifest, json), ct);
        }
        catch (Exception ex) when (manifest is null)
        {
            logger.LogWarning(ex, "Export {ExportId} could not be marked {State}", id, state);
        }
    }

    /// <summary>One RFC 4180 record: a field is quoted when it holds the separator, a quote, a line break or edge spaces.</summary>
    private static void WriteRecord(ArrayBufferWriter<byte> buffer, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            var value = fields[i];
            var quote = value.Length > 0 && (value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value[0] == ' ' || value[^1] == ' ');
            if (quote)
            {
                value = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            }

            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
            buffer.Advance(Encoding.UTF8.GetBytes(value, span));
        }
    }
}
