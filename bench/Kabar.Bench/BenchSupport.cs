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

namespace Kabar.Bench;

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

    public static async Task<KabarServer> StartAsync(BenchDatabase db, IEnumerable<string> settings)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(typeof(Kabar.Notifications.Dispatcher).Assembly.Location);
        foreach (var arg in new[]
        {
            "--urls", url,
            $"--Kabar:Database:Provider={db.Provider}",
            $"--ConnectionStrings:Kabar={db.ConnectionString}",
            "--Kabar:Database:MigrateOnStartup=false",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings).Concat(Extra()))
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var server = new KabarServer(process, url);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Kabar exited with {process.ExitCode}:\n{server.Output}");
            }

            try
            {
                using var ready = await client.GetAsync($"{url}/readyz");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"Kabar did not start:\n{server.Output}");
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

/// <summary>The people and notices both scenarios start from.</summary>
public static class BenchSeed
{
    public const string Number = "900000000000001";

    private const string PermitReadyParams = """{"partner_name":"Siti Aminah","permit_type":"Izin Usaha Mikro","permit_number":"503/0186/IUM/2026","issue_date":"25-11-2026","download_link":"https://perizinan.example.id/izin/0186"}""";

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
