using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Kabar.Tests.Infrastructure.PostgresServer))]

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the whole test run, started from the machine's installed
/// binaries (initdb, pg_ctl) in a temp folder — as the <c>postgres</c> user when the tests run as
/// root, because initdb refuses root — and removed afterwards. Started on first use, so a run
/// that needs no PostgreSQL pays nothing.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? dataDir;
    private string? binDir;
    private int port;
    private bool started;
    private string? unavailable;
    private readonly Lazy<Task<string>> migratedTemplate;

    public PostgresServer() => migratedTemplate = new(CreateTemplateAsync);

    public static bool RequiredByCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A connection string to a new, empty database; skips (or fails under CI=true) without binaries.</summary>
    public Task<string> CreateDatabaseAsync() => CreateAsync(null);

    /// <summary>
    /// A connection string to a new database already migrated to Kabar's schema: a copy of a
    /// template database migrated once per run (<see cref="MigratedTemplates"/>).
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync() => await CreateAsync(await migratedTemplate.Value);

    private async Task<string> CreateAsync(string? template)
    {
        await EnsureStartedAsync();
        if (unavailable is not null)
        {
            if (RequiredByCi)
            {
                Assert.Fail($"PostgreSQL is required under CI=true: {unavailable}");
            }

            Assert.Skip($"PostgreSQL tests skipped: {unavailable}");
        }

        var name = "kabar_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}" + (template is null ? "" : $" TEMPLATE {template}"), admin);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    private async Task<string> CreateTemplateAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        var template = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        await MigratedTemplates.MigratePostgresAsync(unpooled);
        return template;
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Include Error Detail=true";

    private async Task EnsureStartedAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (started || unavailable is not null)
            {
                return;
            }

            binDir = FindBinDir();
            if (binDir is null)
            {
                unavailable = "initdb and pg_ctl were not found (install the postgresql package, or set PG_BIN).";
                return;
            }

            dataDir = Path.Combine(Path.GetTempPath(), "kabar-pg-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dataDir);
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                await RunAsync("chown", ["postgres:postgres", dataDir]);
            }

            port = FreePort();
            var pgData = Path.Combine(dataDir, "data");
            await RunPgAsync(asRoot, "initdb", ["-D", pgData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
            await RunPgAsync(asRoot, "pg_ctl", ["-D", pgData, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                "start"]);
            started = true;
        }
        catch (Exception ex)
        {
            unavailable = $"the server could not be started: {ex.Message}";
        }
        finally
        {
            gate.Release();
        }
    }

    private static string? FindBinDir()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private Task RunPgAsync(bool asRoot, string tool, string[] args) =>
        asRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(binDir!, tool), .. args])
            : RunAsync(Path.Combine(binDir!, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (started && dataDir is not null)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await RunPgAsync(Environment.UserName == "root", "pg_ctl", ["-D", Path.Combine(dataDir, "data"), "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed below either way.
            }
        }

        if (dataDir is not null && Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }

        gate.Dispose();
    }
}
