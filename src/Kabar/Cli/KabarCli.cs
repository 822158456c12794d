using Kabar.Auth;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.Permits;
using Microsoft.Extensions.Options;

namespace Kabar.Cli;

/// <summary>
/// What the commands of <see cref="KabarCommandLine"/> do against a built (not started) Kabar:
/// <c>migrate</c>, <c>apikey create|revoke</c>, <c>admin add</c>, <c>consent verify</c>,
/// <c>job run</c>, <c>import permits</c>, <c>backup</c> and <c>webhooks replay</c>. Results go to standard output; a
/// failure is one line on standard error and the exit code of the README's table.
/// </summary>
public static class KabarCli
{
    /// <summary>The database file and the files SQLite keeps beside it.</summary>
    private static readonly string[] SqliteFileSuffixes = ["", "-wal", "-shm", "-journal"];

    public static async Task<int> MigrateAsync(WebApplication app, CancellationToken ct)
    {
        await app.Services.MigrateKabarDatabaseAsync(ct);
        Console.WriteLine("Database is up to date.");
        return ExitCodes.Done;
    }

    /// <summary>Migrates first unless <c>Kabar:Database:MigrateOnStartup</c> is false, as <c>serve</c> does.</summary>
    public static async Task MigrateIfAllowedAsync(WebApplication app, CancellationToken ct)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
        {
            await app.Services.MigrateKabarDatabaseAsync(ct);
        }
    }

    public static async Task<int> CreateApiKeyAsync(WebApplication app, string name, bool readOnly, CancellationToken ct)
    {
        await MigrateIfAllowedAsync(app, ct);
        var rights = readOnly ? ApiRights.Read : ApiRights.Write;
        var key = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, rights, ct);
        Console.WriteLine(key);
        await Console.Error.WriteLineAsync($"API key '{name}' ({rights}) created. It is shown only now; Kabar keeps only its hash.");
        return ExitCodes.Done;
    }

    public static async Task<int> RevokeApiKeyAsync(WebApplication app, string name, CancellationToken ct)
    {
        if (await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(name, ct))
        {
            Console.WriteLine($"API key '{name}' revoked.");
            return ExitCodes.Done;
        }

        await Console.Error.WriteLineAsync($"kabar: no active API key is named '{name}'.");
        return ExitCodes.Failed;
    }

    public static async Task<int> RunJobAsync(WebApplication app, string name, CancellationToken ct)
    {
        await MigrateIfAllowedAsync(app, ct);
        var registry = app.Services.GetRequiredService<JobRegistry>();
        if (registry.Find(name) is not { } job)
        {
            await Console.Error.WriteLineAsync($"kabar: no job is named '{name}'. Jobs: {registry.Names}.");
            return ExitCodes.Usage;
        }

        var run = await app.Services.GetRequiredService<JobRunner>().RunNowAsync(job, ct);
        if (run is null)
        {
            await Console.Error.WriteLineAsync($"kabar: job '{name}' is running in another process right now.");
            return ExitCodes.Failed;
        }

        if (run.Outcome != "succeeded")
        {
            await Console.Error.WriteLineAsync($"kabar: job '{name}' failed: {run.Detail}");
            return ExitCodes.Failed;
        }

        Console.WriteLine($"Job '{name}' ran in {run.DurationMs} ms and created {run.Created}: {run.Detail}");
        return ExitCodes.Done;
    }

    /// <summary>
    /// Opens an input file, or says on standard error why it cannot (missing, a folder, not
    /// readable) and returns null: the caller exits <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static async Task<FileStream?> OpenInputAsync(string file, string what = "file")
    {
        if (Directory.Exists(file))
        {
            await Console.Error.WriteLineAsync($"kabar: '{file}' is a folder, not a {what}.");
            return null;
        }

        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"kabar: no {what} '{file}'.");
            return null;
        }

        try
        {
            return File.OpenRead(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"kabar: cannot read '{file}': {ex.Message}");
            return null;
        }
    }

    public static async Task<int> ImportPermitsAsync(WebApplication app, string file, bool dryRun, string? encodingName, CancellationToken ct)
    {
        var encoding = CsvImport.ResolveEncoding(encodingName, out var problem);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"kabar: --encoding: {problem}");
            return ExitCodes.Usage;
        }

        await using var stream = await OpenInputAsync(file);
        if (stream is null)
        {
            return ExitCodes.Usage;
        }

        await MigrateIfAllowedAsync(app, ct);
        var report = await app.Services.GetRequiredService<PermitImporter>().ImportAsync(stream, dryRun, ct, encoding);
        foreach (var line in CsvImport.ReportLines(report.Errors))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"{(dryRun ? "Dry run: would import" : "Imported")} {report.Created} new and {report.Updated} updated permit(s) " +
            $"from {report.Rows} row(s); {report.Rejected} row(s) rejected.");
        return report.Rejected == 0 ? ExitCodes.Done : ExitCodes.Failed;
    }

    public static async Task<int> VerifyConsentAsync(WebApplication app, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var report = await new ConsentVerifier(scope.ServiceProvider.GetRequiredService<KabarDbContext>()).VerifyAsync(ct);
        foreach (var b in report.Breaks)
        {
            Console.WriteLine($"BROKEN contact {b.ContactId}{(b.Seq is { } s ? $" at event #{s}" : "")}{(b.EventId is { } id ? $" ({id})" : "")}: {b.Problem}");
        }

        Console.WriteLine(report.Intact
            ? $"Consent ledger intact: {report.Events} event(s) across {report.Contacts} contact(s)."
            : $"Consent ledger BROKEN for {report.Breaks.Count} contact(s); {report.Events} event(s) checked.");
        return report.Intact ? ExitCodes.Done : ExitCodes.Failed;
    }

    /// <summary>
    /// <c>kabar admin add EMAIL --role admin</c>: a console account. The password is read from
    /// standard input with <c>--password-stdin</c>, else generated and shown once: it is then the
    /// only line on standard output, so <c>PASSWORD=$(kabar admin add …)</c> captures it.
    /// </summary>
    public static async Task<int> AddOperatorAsync(WebApplication app, string email, string role, bool passwordFromStdin, CancellationToken ct)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            await Console.Error.WriteLineAsync("kabar: EMAIL must be an e-mail address.");
            return ExitCodes.Usage;
        }

        var password = passwordFromStdin
            ? (await Console.In.ReadLineAsync(ct))?.Trim() ?? ""
            : Admin.ConsoleAccounts.NewPassword();
        if (Admin.OperatorStore.PasswordProblem(email, password) is { } problem)
        {
            await Console.Error.WriteLineAsync($"kabar: the password must be {problem}.");
            return ExitCodes.Usage;
        }

        await MigrateIfAllowedAsync(app, ct);
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<Admin.OperatorStore>();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var normalized = Admin.OperatorStore.Normalize(email);
        if (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Operators, o => o.Email == normalized, ct))
        {
            await Console.Error.WriteLineAsync($"kabar: an operator {Pii.MaskEmail(normalized)} already exists.");
            return ExitCodes.Failed;
        }

        await store.CreateAsync(email, role, password, ct);
        if (!passwordFromStdin)
        {
            Console.WriteLine(password);
            await Console.Error.WriteLineAsync($"Operator {normalized} ({role}) added. The password above is shown only now.");
        }
        else
        {
            await Console.Error.WriteLineAsync($"Operator {normalized} ({role}) added.");
        }

        return ExitCodes.Done;
    }

    /// <summary><c>kabar webhooks replay ID</c>: see <see cref="WhatsApp.WebhookReplay"/>.</summary>
    public static async Task<int> ReplayWebhookAsync(WebApplication app, long id, CancellationToken ct)
    {
        await MigrateIfAllowedAsync(app, ct);
        var result = await app.Services.GetRequiredService<WhatsApp.WebhookReplay>().ReplayAsync(id, ct);
        if (result.Removed)
        {
            Console.WriteLine(result.Detail);
            return ExitCodes.Done;
        }

        await Console.Error.WriteLineAsync($"kabar: {Pii.MaskText(result.Detail)}");
        return ExitCodes.Failed;
    }

    /// <summary>
    /// <c>kabar whatsapp check [--fix] [--language en|id]</c>: see <see cref="GoLive.WhatsAppCheck"/>. Each line is
    /// <c>ok|warn|FAIL|info  ITEM  detail</c>, a failing or warning one followed by <c>→ how to fix</c>.
    /// </summary>
    public static async Task<int> WhatsAppCheckAsync(WebApplication app, bool fix, string language, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<GoLive.WhatsAppCheck>().RunAsync(fix, ct);
        var width = report.Items.Max(i => i.Item.Length);
        foreach (var item in report.Items)
        {
            var state = item.State switch
            {
                GoLive.CheckState.Ok => "ok  ",
                GoLive.CheckState.Warn => "warn",
                GoLive.CheckState.Fail => "FAIL",
                _ => "info",
            };
            Console.WriteLine($"{state}  {item.Item.PadRight(width)}  {item.Detail.For(language)}");
            if (item.Fix is { } how)
            {
                Console.WriteLine($"      → {how.For(language)}");
            }
        }

        Console.WriteLine(report.Ready
            ? (language == "id" ? "Siap mengirim." : "Ready to send.")
            : language == "id" ? $"Belum siap: {report.Failures} hal perlu diperbaiki." : $"Not ready: {report.Failures} item(s) to fix.");
        return report.Ready ? ExitCodes.Done : ExitCodes.Failed;
    }

    /// <summary><c>kabar whatsapp templates submit [--type T] [--dry-run]</c>: see <see cref="GoLive.TemplateSubmitter"/>.</summary>
    public static async Task<int> SubmitTemplatesAsync(WebApplication app, string? type, bool dryRun, CancellationToken ct)
    {
        await MigrateIfAllowedAsync(app, ct);
        await using var scope = app.Services.CreateAsyncScope();
        var lines = await scope.ServiceProvider.GetRequiredService<GoLive.TemplateSubmitter>().SubmitAsync(type, dryRun, ct);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        var submitted = lines.Count(l => l.Outcome == "submitted");
        var failed = lines.Count(l => l.Failed);
        await Console.Error.WriteLineAsync(dryRun
            ? $"Dry run: {lines.Count(l => l.Outcome == "would submit")} template(s) would be submitted; nothing was sent."
            : $"{submitted} submitted, {lines.Count(l => l.Outcome == "exists")} already at Meta, {lines.Count(l => l.Outcome == "differs")} differ, {failed} rejected, failed or refused.");
        return failed == 0 ? ExitCodes.Done : ExitCodes.Failed;
    }

    /// <summary>
    /// <c>kabar backup --out FILE|DIR [--force]</c>: an online copy of the SQLite database (see
    /// <see cref="SqliteBackup"/>). A folder gets <c>kabar-YYYYMMDD-HHMMSS.db</c> (UTC). PostgreSQL
    /// has its own tool; the command never works there, so it is a usage error, not a failure.
    /// </summary>
    public static async Task<int> BackupAsync(WebApplication app, string outPath, bool force, CancellationToken ct)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider != DatabaseProvider.Sqlite)
        {
            await Console.Error.WriteLineAsync("kabar: backup copies a SQLite database; on PostgreSQL use pg_dump (for example pg_dump -Fc -f kabar.dump kabar).");
            return ExitCodes.Usage;
        }

        var file = Directory.Exists(outPath) || outPath.EndsWith('/') || outPath.EndsWith('\\')
            ? Path.Combine(outPath, SqliteBackup.DefaultFileName(app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime))
            : outPath;
        string source;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            source = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(
                scope.ServiceProvider.GetRequiredService<KabarDbContext>().Database)!;
        }

        var database = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(source).DataSource;
        if (SqliteFileSuffixes.Any(suffix => Path.GetFullPath(file) == Path.GetFullPath(database + suffix)))
        {
            await Console.Error.WriteLineAsync($"kabar: '{file}' is the database itself; back it up to another file.");
            return ExitCodes.Usage;
        }

        if (File.Exists(file) && !force)
        {
            await Console.Error.WriteLineAsync($"kabar: '{file}' exists; give --force to replace it, or another name.");
            return ExitCodes.Usage;
        }

        if (!File.Exists(database))
        {
            await Console.Error.WriteLineAsync($"kabar: there is no database at '{database}' (ConnectionStrings:Kabar) to back up.");
            return ExitCodes.Failed;
        }

        var copy = await SqliteBackup.CopyAsync(source, file, force, ct);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Backed up {database} to {copy.Path}: {copy.Bytes:N0} bytes, {copy.Contacts:N0} contact(s), {copy.Notifications:N0} notification(s); integrity check ok."));
        return ExitCodes.Done;
    }
}
