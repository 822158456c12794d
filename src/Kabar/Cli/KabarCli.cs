using Kabar.Auth;
using Kabar.Consent;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.Permits;
using Kabar.Transfers;
using Microsoft.Extensions.Options;

namespace Kabar.Cli;

/// <summary>
/// The command line of the same executable (SPEC §13): <c>kabar serve</c> (the default),
/// <c>migrate</c>, <c>apikey create NAME [--read-only]</c>, <c>apikey revoke NAME</c>,
/// <c>consent verify</c>, <c>job run NAME</c>, <c>import permits FILE [--dry-run]</c>,
/// <c>import contacts FILE [--dry-run]</c>, <c>export contacts [--consented] --out FILE</c>,
/// <c>export verify FILE</c>, <c>export key</c>. Each prints one line on failure and exits non-zero.
/// </summary>
internal static class KabarCli
{
    private const string Usage =
        "usage: kabar [serve | migrate | apikey create NAME [--read-only] | apikey revoke NAME | admin add EMAIL [--role admin|operator|viewer] [--password-stdin] | consent verify | job run NAME | import permits FILE [--dry-run] [--encoding E] | import contacts FILE [--dry-run] [--encoding E] | export contacts [--consented] [--out FILE|DIR] | export verify FILE [--manifest M] [--public-key PEM|FINGERPRINT] | export key]";

    /// <summary>The command words at the start of the arguments; options (--x) belong to the host.</summary>
    public static string[] CommandWords(string[] args) => args.TakeWhile(a => !a.StartsWith('-')).ToArray();

    public static bool IsServe(string[] args) => CommandWords(args) is [] or ["serve"];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var words = CommandWords(args);
        var flags = args.Skip(words.Length).ToArray();
        var ct = app.Lifetime.ApplicationStopping;
        try
        {
            switch (words)
            {
                case ["migrate"]:
                    await app.Services.MigrateKabarDatabaseAsync(ct);
                    Console.WriteLine("Database is up to date.");
                    return 0;

                case ["apikey", "create", var name]:
                    await MigrateIfAllowedAsync(app, ct);
                    var rights = flags.Contains("--read-only") ? ApiRights.Read : ApiRights.Write;
                    var key = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, rights, ct);
                    Console.WriteLine(key);
                    await Console.Error.WriteLineAsync($"API key '{name}' ({rights}) created. It is shown only now; Kabar keeps only its hash.");
                    return 0;

                case ["apikey", "revoke", var name]:
                    if (await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(name, ct))
                    {
                        Console.WriteLine($"API key '{name}' revoked.");
                        return 0;
                    }

                    await Console.Error.WriteLineAsync($"kabar: no active API key is named '{name}'.");
                    return 1;

                case ["admin", "add", var email]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await AddOperatorAsync(app, email, flags, ct);

                case ["consent", "verify"]:
                    return await VerifyConsentAsync(app, ct);

                case ["job", "run", var name]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await RunJobAsync(app, name, ct);

                case ["import", "permits", var file]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await ImportPermitsAsync(app, file, flags.Contains("--dry-run"), Flag(flags, "--encoding"), ct);

                case ["import", "contacts", var file]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await TransfersCli.ImportContactsAsync(app, file, flags.Contains("--dry-run"), Flag(flags, "--encoding"), ct);

                case ["export", "verify", var file]:
                    return await TransfersCli.VerifyAsync(app, file, Flag(flags, "--manifest"), Flag(flags, "--public-key"), ct);

                case ["export", "key"]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await TransfersCli.PrintKeyAsync(app, ct);

                case ["export", "contacts"] or ["export"]:
                    await MigrateIfAllowedAsync(app, ct);
                    return await TransfersCli.ExportAsync(app, flags.Contains("--consented"), Flag(flags, "--out"), ct);

                default:
                    await Console.Error.WriteLineAsync($"kabar: unknown command '{string.Join(' ', words)}'. {Usage}");
                    return 2;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"kabar: {string.Join(' ', words)} failed: {Common.Pii.MaskText(ex.GetBaseException().Message)}");
            return 1;
        }
    }

    private static async Task MigrateIfAllowedAsync(WebApplication app, CancellationToken ct)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
        {
            await app.Services.MigrateKabarDatabaseAsync(ct);
        }
    }

    private static async Task<int> RunJobAsync(WebApplication app, string name, CancellationToken ct)
    {
        var registry = app.Services.GetRequiredService<JobRegistry>();
        if (registry.Find(name) is not { } job)
        {
            await Console.Error.WriteLineAsync($"kabar: no job is named '{name}'. Jobs: {registry.Names}.");
            return 2;
        }

        var run = await app.Services.GetRequiredService<JobRunner>().RunNowAsync(job, ct);
        if (run is null)
        {
            await Console.Error.WriteLineAsync($"kabar: job '{name}' is running in another process right now.");
            return 1;
        }

        if (run.Outcome != "succeeded")
        {
            await Console.Error.WriteLineAsync($"kabar: job '{name}' failed: {run.Detail}");
            return 1;
        }

        Console.WriteLine($"Job '{name}' ran in {run.DurationMs} ms and created {run.Created}: {run.Detail}");
        return 0;
    }

    /// <summary>The value after <paramref name="name"/> among the options, or null.</summary>
    public static string? Flag(string[] flags, string name)
    {
        var at = Array.IndexOf(flags, name);
        return at >= 0 && at + 1 < flags.Length ? flags[at + 1] : null;
    }

    private static async Task<int> ImportPermitsAsync(WebApplication app, string file, bool dryRun, string? encodingName, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"kabar: no file '{file}'.");
            return 1;
        }

        var encoding = Common.CsvImport.ResolveEncoding(encodingName, out var problem);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"kabar: --encoding: {problem}");
            return 2;
        }

        await using var stream = File.OpenRead(file);
        var report = await app.Services.GetRequiredService<PermitImporter>().ImportAsync(stream, dryRun, ct, encoding);
        foreach (var line in Common.CsvImport.ReportLines(report.Errors))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"{(dryRun ? "Dry run: would import" : "Imported")} {report.Created} new and {report.Updated} updated permit(s) " +
            $"from {report.Rows} row(s); {report.Rejected} row(s) rejected.");
        return report.Rejected == 0 ? 0 : 1;
    }

    private static async Task<int> VerifyConsentAsync(WebApplication app, CancellationToken ct)
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
        return report.Intact ? 0 : 1;
    }

    /// <summary>
    /// <c>kabar admin add EMAIL --role admin</c>: a console account. The password is read from
    /// standard input with <c>--password-stdin</c>, else generated and shown once.
    /// </summary>
    private static async Task<int> AddOperatorAsync(WebApplication app, string email, string[] flags, CancellationToken ct)
    {
        var roleAt = Array.IndexOf(flags, "--role");
        var role = roleAt >= 0 && roleAt + 1 < flags.Length ? flags[roleAt + 1] : Admin.OperatorRoles.Viewer;
        if (!Admin.OperatorRoles.All.Contains(role))
        {
            await Console.Error.WriteLineAsync($"kabar: --role must be one of {string.Join(", ", Admin.OperatorRoles.All)}.");
            return 2;
        }

        if (!System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            await Console.Error.WriteLineAsync("kabar: EMAIL must be an e-mail address.");
            return 2;
        }

        var generated = !flags.Contains("--password-stdin");
        var password = generated
            ? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_')
            : (await Console.In.ReadLineAsync(ct))?.Trim() ?? "";
        if (Admin.OperatorStore.PasswordProblem(email, password) is { } problem)
        {
            await Console.Error.WriteLineAsync($"kabar: the password must be {problem}.");
            return 2;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<Admin.OperatorStore>();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var normalized = Admin.OperatorStore.Normalize(email);
        if (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Operators, o => o.Email == normalized, ct))
        {
            await Console.Error.WriteLineAsync($"kabar: an operator {Common.Pii.MaskEmail(normalized)} already exists.");
            return 1;
        }

        await store.CreateAsync(email, role, password, ct);
        if (generated)
        {
            Console.WriteLine(password);
            await Console.Error.WriteLineAsync($"Operator {normalized} ({role}) added. The password above is shown only now.");
        }
        else
        {
            await Console.Error.WriteLineAsync($"Operator {normalized} ({role}) added.");
        }

        return 0;
    }
}
