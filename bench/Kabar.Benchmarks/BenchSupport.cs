using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kabar.Benchmarks;

/// <summary>A database for one run: a fresh SQLite file or a fresh PostgreSQL database, migrated.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? file;
    private readonly string? adminConnection;
    private readonly string? name;

    private BenchDatabase(string provider, string connectionString, string? file, string? adminConnection, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.file = file;
        this.adminConnection = adminConnection;
        this.name = name;
    }

    /// <summary><c>Sqlite</c> or <c>Postgres</c>, as <c>Kabar:Database:Provider</c> spells it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options)
    {
        BenchDatabase db;
        if (options.Db == "postgres")
        {
            var name = $"kabar_bench_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(options.Postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            var csb = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name };
            db = new BenchDatabase("Postgres", csb.ToString(), null, options.Postgres, name);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"kabar-bench-{Guid.NewGuid():N}.db");
            db = new BenchDatabase("Sqlite", $"Data Source={file}", file, null, null);
        }

        await using var context = db.Open();
        await context.Database.MigrateAsync();
        if (context.Database.IsSqlite())
        {
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        return db;
    }

    public KabarDbContext Open() => Provider == "Postgres"
        ? new PostgresKabarDbContext(new DbContextOptionsBuilder<PostgresKabarDbContext>()
            .UseNpgsql(ConnectionString, o => o.MigrationsHistoryTable("__ef_migrations")).Options)
        : new SqliteKabarDbContext(new DbContextOptionsBuilder<SqliteKabarDbContext>()
            .UseSqlite(ConnectionString, o => o.MigrationsHistoryTable("__ef_migrations")).Options);

    public async ValueTask DisposeAsync()
    {
        if (file is not null && Environment.GetEnvironmentVariable("KABAR_BENCH_KEEP_DB") == "1")
        {
            // For EXPLAIN QUERY PLAN after a run; the caller deletes it.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Console.Error.WriteLine($"kept {file}");
        }
        else if (file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }

        if (adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(adminConnection);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Kabar as its own process, started from the build output next to this program.</summary>
public sealed class KabarServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private KabarServer(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The process's peak resident set (Linux <c>VmHWM</c>), in bytes; null where <c>/proc</c> does not say.</summary>
    public long? PeakResidentBytes()
    {
        var status = $"/proc/{process.Id}/status";
        if (process.HasExited || !File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var kb, ..] && long.TryParse(kb, CultureInfo.InvariantCulture, out var value)
            ? value * 1024
            : null;
    }

    /// <summary>The processor time the process has used so far (user and system, every thread).</summary>
    public TimeSpan ProcessorTime()
    {
        process.Refresh();
        return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
    }

    /// <summary>Process start to the first 200 from <c>/readyz</c>.</summary>
    public TimeSpan StartToReady { get; private set; }

    /// <summary>Kabar on <paramref name="db"/>; <paramref name="url"/>: where it listens (a free port when null).</summary>
    public static Task<KabarServer> StartAsync(BenchDatabase db, IEnumerable<string> settings, bool migrate = false, string? url = null) =>
        StartProcessAsync(typeof(Kabar.Notifications.Dispatcher).Assembly.Location,
        [
            $"--Kabar:Database:Provider={db.Provider}",
            $"--ConnectionStrings:Kabar={db.ConnectionString}",
            $"--Kabar:Database:MigrateOnStartup={(migrate ? "true" : "false")}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
            .. Extra(),
        ], url);

    /// <summary>Starts <c>nice -n 10 dotnet DLL --urls URL ARGS</c> and waits for <c>/readyz</c> to answer 200.</summary>
    public static async Task<KabarServer> StartProcessAsync(string dll, IEnumerable<string> args, string? url = null)
    {
        url ??= $"http://127.0.0.1:{FreePort()}";
        // At nice 10, below this process: the simulator runs here and stands for Meta's servers,
        // which do not wait for Kabar's processor. On two shared cores, a collection of the
        // simulator's that waits for a core stamps the requests queued meanwhile as arriving together.
        var info = new ProcessStartInfo("nice")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in (string[])["-n", "10", "dotnet", dll])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in args.Concat(["--urls", url]))
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var server = new KabarServer(process, url);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}:\n{server.Output}");
            }

            try
            {
                using var ready = await client.GetAsync($"{url}/readyz");
                if (ready.IsSuccessStatusCode)
                {
                    server.StartToReady = clock.Elapsed;
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(10);
        }

        throw new InvalidOperationException($"{Path.GetFileName(dll)} did not start:\n{server.Output}");
    }

    /// <summary>More Kabar settings for an experiment: <c>KABAR_BENCH_ARGS="--Kabar:Notifications:BatchSize=250"</c>.</summary>
    private static string[] Extra() =>
        Environment.GetEnvironmentVariable("KABAR_BENCH_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}

/// <summary>The last line of every scenario's report: its figures as one JSON object.</summary>
public static class BenchReport
{
    public static string Format(string text, IReadOnlyDictionary<string, object?> figures) =>
        text.TrimEnd() + "\n" + System.Text.Json.JsonSerializer.Serialize(figures);

    public static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    /// <summary>The q-quantile of sorted samples (nearest rank).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static long? Megabytes(long? bytes) => bytes / (1024 * 1024);
}

/// <summary>The people and notices the scenarios start from.</summary>
public static class BenchSeed
{
    public const string Number = "900000000000001";

    /// <summary>The business numbers of a multi-number run: 900000000000001, …02, …</summary>
    public static string NumberOf(int k) => string.Create(CultureInfo.InvariantCulture, $"90000000000000{k + 1}");

    public const string PermitReadyParams = """{"partner_name":"Siti Aminah","permit_type":"Izin Usaha Mikro","permit_number":"503/0186/IUM/2026","issue_date":"25-11-2026","download_link":"https://perizinan.example.id/izin/0186"}""";

    /// <summary>
    /// <paramref name="count"/> opted-in people, each with one queued <c>permit_ready</c> notice;
    /// <paramref name="each"/> may change the notice and add rows beside it. Written 5,000 at a time.
    /// </summary>
    public static async Task PermitNoticesAsync(BenchDatabase db, int count, DateTime at, Action<KabarDbContext, int, Notification> each)
    {
        for (var start = 0; start < count; start += 5000)
        {
            await using var context = db.Open();
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + 5000); i++)
            {
                var contact = new Contact
                {
                    Id = Guid.CreateVersion7(),
                    Phone = string.Create(CultureInfo.InvariantCulture, $"+62813{i:00000000}"),
                    WhatsAppConsent = Kabar.Consent.ConsentState.Granted,
                    WhatsAppConsentAt = at,
                    CreatedAt = at,
                    UpdatedAt = at,
                };
                var notification = new Notification
                {
                    Id = Guid.CreateVersion7(),
                    Type = "permit_ready",
                    ContactId = contact.Id,
                    Kind = MessageKind.Template,
                    Category = MessageCategory.Utility,
                    Essential = true,
                    Basis = LegalBasis.PublicTask,
                    ParamsJson = PermitReadyParams,
                    State = NotificationState.Queued,
                    PhoneNumberId = Number,
                    DueAt = at,
                    CreatedAt = at,
                    UpdatedAt = at,
                };
                context.Contacts.Add(contact);
                context.Notifications.Add(notification);
                each(context, i, notification);
            }

            await context.SaveChangesAsync();
        }
    }
}
