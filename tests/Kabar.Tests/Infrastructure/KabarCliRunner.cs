using System.Diagnostics;

namespace Kabar.Tests.Infrastructure;

/// <summary>What a <c>kabar</c> command did: its exit code, standard output and standard error, apart.</summary>
public sealed record CliRun(int Code, string Stdout, string Stderr)
{
    /// <summary>Both streams, labelled, for an assertion's message.</summary>
    public override string ToString() => $"exit {Code}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>The lines of standard output, without empty ones.</summary>
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Runs the <c>kabar</c> executable's command line against a test app's database, as an operator
/// would: the log levels are Kabar's own defaults, and standard output and standard error come
/// back apart, so a test sees what lands in a script's <c>$(kabar …)</c>.
/// </summary>
public static class KabarCliRunner
{
    /// <summary>Long enough for a cold start on a busy two-core machine; a command that never ends fails the test.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static Task<CliRun> RunAsync(KabarApp app, params string[] args) =>
        RunAsync(app.Db, app.ConnectionString, args);

    /// <summary>Runs <c>kabar ARGS</c> on a SQLite file or PostgreSQL database, without migrating it.</summary>
    public static Task<CliRun> RunAsync(Db db, string connectionString, params string[] args) =>
        RunAsync(db, connectionString, new Dictionary<string, string>(), args);

    /// <summary>The command with extra settings given as environment variables (<c>Kabar__Section__Key</c>).</summary>
    public static Task<CliRun> RunAsync(Db db, string connectionString, IReadOnlyDictionary<string, string> environment,
        params string[] args) =>
        RunAsync(new Dictionary<string, string>
        {
            ["Kabar__Database__Provider"] = db.ToString(),
            ["ConnectionStrings__Kabar"] = connectionString,
            ["Kabar__Database__MigrateOnStartup"] = "false",
        }.Concat(environment).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), null, args);

    /// <summary>
    /// Runs <c>kabar ARGS</c> with only these environment variables added to the test process's,
    /// and <paramref name="stdin"/> (if any) as its standard input.
    /// </summary>
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The key the test apps use, unless a test gives its own (an empty value: none).
        info.Environment["Kabar__DataProtection__Key"] = KabarApp.DataProtectionKey;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"kabar {string.Join(' ', args)} did not end within {Timeout}:\n{new CliRun(-1, await stdout, await stderr)}");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
