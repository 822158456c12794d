using System.Diagnostics;

namespace Kabar.Tests.Infrastructure;

/// <summary>Runs the <c>kabar</c> executable's command line against a test app's database, as an operator would.</summary>
public static class KabarCliRunner
{
    public static Task<(int Code, string Output)> RunAsync(KabarApp app, params string[] args) =>
        RunAsync(app.Db, app.ConnectionString, args);

    /// <summary>Runs <c>kabar ARGS</c> on a SQLite file or PostgreSQL database, without migrating it; standard output, then standard error.</summary>
    public static Task<(int Code, string Output)> RunAsync(Db db, string connectionString, params string[] args) =>
        RunAsync(db, connectionString, new Dictionary<string, string>(), args);

    /// <summary>The command with extra settings given as environment variables (<c>Kabar__Section__Key</c>).</summary>
    public static async Task<(int Code, string Output)> RunAsync(Db db, string connectionString, IReadOnlyDictionary<string, string> environment,
        params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Kabar__Database__Provider"] = db.ToString();
        info.Environment["ConnectionStrings__Kabar"] = connectionString;
        info.Environment["Kabar__Database__MigrateOnStartup"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
