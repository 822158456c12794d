using System.Globalization;
using System.Text.Json;
using Kabar.Cli;
using Kabar.Common;
using Microsoft.Extensions.Options;

namespace Kabar.Transfers;

/// <summary>
/// What <c>kabar import contacts</c>, <c>kabar export contacts</c> (and its alias <c>kabar export</c>),
/// <c>kabar export verify</c> and <c>kabar export key</c> do; <see cref="Cli.KabarCommandLine"/>
/// parses them. Reports go to standard output; progress goes to standard error, redrawn in place
/// on a terminal and as a line every 10,000 rows when standard error is a file or pipe. Exit codes
/// are <see cref="Cli.ExitCodes"/>: a missing or unreadable file is 2, like a usage error.
/// </summary>
public static class TransfersCli
{
    private const int ProgressEvery = 10_000;

    private static readonly JsonSerializerOptions Indented = new(ExportManifest.Json) { WriteIndented = true };

    public static async Task<int> ImportContactsAsync(WebApplication app, string file, bool dryRun, string? encodingName, CancellationToken ct)
    {
        var encoding = CsvImport.ResolveEncoding(encodingName, out var problem);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"kabar: --encoding: {problem}");
            return ExitCodes.Usage;
        }

        await using var stream = await KabarCli.OpenInputAsync(file);
        if (stream is null)
        {
            return ExitCodes.Usage;
        }

        await KabarCli.MigrateIfAllowedAsync(app, ct);
        var progress = new Progress((done, total) => done == 0 ? $"{N(total)} rows read" : $"{N(done)} / {N(total)} rows");
        var report = await app.Services.GetRequiredService<ContactImporter>().ImportAsync(stream, dryRun, Who(), ct, encoding,
            new SyncProgress<(int Done, int Total)>(p => progress.Report(p.Done, p.Total)));
        progress.End();
        foreach (var line in CsvImport.ReportLines(report.Errors))
        {
            Console.WriteLine(line);
        }

        foreach (var line in CsvImport.ReportLines(report.Notes, "note: "))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"{(dryRun ? "Dry run, nothing written: would import" : "Imported")} {report.Rows} row(s): {report.Created} new, " +
            $"{report.Updated} updated, {report.Unchanged} unchanged, {report.Rejected} rejected; {report.ConsentsRecorded} consent(s) recorded" +
            (report.PermitsCreated + report.PermitsUpdated > 0 ? $"; permits {report.PermitsCreated} new, {report.PermitsUpdated} updated." : "."));
        return report.Rejected == 0 ? ExitCodes.Done : ExitCodes.Failed;
    }

    public static async Task<int> ExportAsync(WebApplication app, bool consented, string? outPath, CancellationToken ct)
    {
        await KabarCli.MigrateIfAllowedAsync(app, ct);
        var exporter = app.Services.GetRequiredService<ContactExporter>();
        var directory = outPath is null
            ? app.Services.GetRequiredService<DataFolder>().Resolve(app.Services.GetRequiredService<IOptions<ExportOptions>>().Value.Path)
            : Directory.Exists(outPath) || outPath.EndsWith('/') || outPath.EndsWith('\\') ? outPath : null;
        var record = await exporter.BeginAsync(consented ? ExportKind.Consented : ExportKind.Registered, Who(), ct,
            directory is null ? Path.GetFileName(outPath) : null);
        var file = directory is null ? outPath! : Path.Combine(directory, record.FileName);
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } parent)
        {
            Directory.CreateDirectory(parent);
        }

        var progress = new Progress((done, _) => $"{N(done)} rows written");
        ExportManifest manifest;
        try
        {
            await using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            manifest = await exporter.WriteAsync(record, output, ct, new SyncProgress<int>(n => progress.Report(n, 0)));
        }
        catch
        {
            File.Delete(file);
            throw;
        }

        progress.End();
        var manifestFile = file + ".manifest.json";
        await File.WriteAllTextAsync(manifestFile, JsonSerializer.Serialize(manifest, Indented), ct);
        Console.WriteLine($"Exported {manifest.RowCount} {manifest.Kind} contact(s) to {file}");
        Console.WriteLine($"Manifest: {manifestFile} (SHA-256 {manifest.CsvSha256}, signed with {manifest.Signature.KeyFingerprint})");
        return ExitCodes.Done;
    }

    public static async Task<int> VerifyAsync(WebApplication app, string file, string? manifestPath, string? publicKey, CancellationToken ct)
    {
        manifestPath ??= file + ".manifest.json";
        await using var csv = await KabarCli.OpenInputAsync(file);
        if (csv is null)
        {
            return ExitCodes.Usage;
        }

        if (!File.Exists(manifestPath))
        {
            await Console.Error.WriteLineAsync($"kabar: no manifest '{manifestPath}'; give it with --manifest.");
            return ExitCodes.Usage;
        }

        string manifestText;
        try
        {
            manifestText = await File.ReadAllTextAsync(manifestPath, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"kabar: cannot read the manifest '{manifestPath}': {ex.Message}");
            return ExitCodes.Usage;
        }

        var manifest = ExportVerifier.ReadManifest(manifestText, out var problem);
        if (manifest is null)
        {
            await Console.Error.WriteLineAsync($"kabar: cannot read the manifest '{manifestPath}': {problem}");
            return ExitCodes.Usage;
        }

        string? trusted;
        try
        {
            trusted = ExportVerifier.TrustedFingerprint(publicKey is not null && File.Exists(publicKey) ? await File.ReadAllTextAsync(publicKey, ct) : publicKey)
                ?? await OfficeFingerprintAsync(app, ct);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"kabar: --public-key is neither a PEM public key nor a fingerprint ({ex.Message}).");
            return ExitCodes.Usage;
        }

        var result = await ExportVerifier.VerifyAsync(csv, manifest, trusted, ct);
        if (result.Intact && trusted is null)
        {
            // The manifest names its own key: anyone who re-signs an edited file with a key of
            // their own passes that check. Without the office's key this is not a verdict.
            Console.WriteLine($"SIGNER NOT CHECKED: {file} matches its manifest, but the manifest's key was not compared with the office's; "
                + "give --public-key with the key or fingerprint the office published (kabar export key).");
        }
        else if (result.Intact)
        {
            Console.WriteLine($"INTACT: {file} is exactly what Kabar exported.");
        }
        else
        {
            Console.WriteLine($"ALTERED: {file} does not match its signed manifest.");
            foreach (var p in result.Problems)
            {
                Console.WriteLine($"  - {p}");
            }
        }

        foreach (var fact in result.Facts)
        {
            Console.WriteLine($"  {fact}");
        }

        return !result.Intact ? ExitCodes.Failed : trusted is null ? ExitCodes.SignerNotChecked : ExitCodes.Done;
    }

    public static async Task<int> PrintKeyAsync(WebApplication app, CancellationToken ct)
    {
        await KabarCli.MigrateIfAllowedAsync(app, ct);
        var key = await app.Services.GetRequiredService<ExportSigningKey>().GetAsync(ct);
        Console.WriteLine($"Fingerprint: {ExportSigningKey.Fingerprint(key)}");
        Console.WriteLine($"Algorithm: {ExportSigningKey.Algorithm}");
        Console.Write(ExportSigningKey.PublicPem(key));
        Console.WriteLine();
        return ExitCodes.Done;
    }

    /// <summary>The office's own key when this installation can read it; an auditor elsewhere passes --public-key.</summary>
    private static async Task<string?> OfficeFingerprintAsync(WebApplication app, CancellationToken ct)
    {
        try
        {
            var key = await app.Services.GetRequiredService<ExportSigningKey>().FindAsync(ct);
            return key is null ? null : ExportSigningKey.Fingerprint(key);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    private static string Who() => "cli:" + Environment.UserName;

    /// <summary>Progress on standard error, never mixed into the report on standard output.</summary>
    private sealed class Progress(Func<int, int, string> text)
    {
        private readonly bool terminal = !Console.IsErrorRedirected;
        private int lastLogged;
        private bool drawn;

        public void Report(int done, int total)
        {
            var n = Math.Max(done, total);
            if (terminal)
            {
                Console.Error.Write($"\r  {text(done, total)}   ");
                drawn = true;
            }
            else if (n / ProgressEvery > lastLogged / ProgressEvery)
            {
                Console.Error.WriteLine($"  {text(done, total)}");
                lastLogged = n;
            }
        }

        public void End()
        {
            if (drawn)
            {
                Console.Error.WriteLine();
            }
        }
    }

    /// <summary>Reports on the caller's thread (System.Progress would post to the thread pool and reorder the lines).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
