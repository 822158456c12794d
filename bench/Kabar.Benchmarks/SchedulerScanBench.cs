using System.Diagnostics;
using System.Globalization;
using Kabar.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Benchmarks;

/// <summary>
/// The daily expiry scan over a large permit register: <c>--count</c> issued permits (default one
/// million), of which 10,000 are due their 30-day reminder today, 190,000 expire within the
/// reminder windows but were reminded already, and the rest expired long ago or expire in more
/// than 100 days. Kabar runs <c>kabar job run expiry-reminders</c> as its own process, on the
/// real clock; the figure is the run's own recorded duration, plus the whole command's.
/// </summary>
public static class SchedulerScanBench
{
    /// <summary>1 % of the register due today, 19 % in the windows and reminded already (10,000 and 190,000 of a million).</summary>
    private static int Due(int count) => Math.Max(1, count / 100);

    private static int AlreadyReminded(int count) => count * 19 / 100;

    public static async Task<string> RunAsync(BenchOptions o)
    {
        if (o.Db != "sqlite")
        {
            throw new InvalidOperationException("scheduler-scan seeds with SQLite's recursive CTE; run it with --db sqlite.");
        }

        var count = Math.Max(o.Count, 100);
        await using var db = await BenchDatabase.CreateAsync(o);
        var seedClock = Stopwatch.StartNew();
        await SeedAsync(db, count);
        var seeded = seedClock.Elapsed;

        var clock = Stopwatch.StartNew();
        var (code, output, peak) = await RunKabarAsync(db, "job", "run", "expiry-reminders");
        var wall = clock.Elapsed;
        if (code != 0)
        {
            throw new InvalidOperationException($"kabar job run failed ({code}): {output}");
        }

        await using var context = db.Open();
        var run = await context.JobRuns.AsNoTracking().SingleAsync(r => r.Job == "expiry-reminders");
        var created = await context.Notifications.CountAsync(n => n.Type == "permit_expiry_warning");
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "scheduler-scan",
            ["db"] = db.Provider,
            ["permits"] = count,
            ["due"] = Due(count),
            ["seed_s"] = BenchReport.Round(seeded.TotalSeconds),
            ["scan_s"] = BenchReport.Round(run.DurationMs / 1000.0, 2),
            ["created"] = run.Created,
            ["queued"] = created,
            ["command_s"] = BenchReport.Round(wall.TotalSeconds),
            ["budget_s"] = 10,
            ["of_budget"] = BenchReport.Round(run.DurationMs / 10_000.0, 3),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(peak),
        };
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            scheduler-scan ({db.Provider}, {count} permits, {Due(count)} due a reminder, {AlreadyReminded(count)} in the windows already reminded; seeded in {seeded.TotalSeconds:0.0} s)
              scan:     {run.DurationMs} ms to scan and enqueue {run.Created} reminders ({created} in the queue), as recorded by the job run
              detail:   {run.Detail}
              command:  {wall.TotalSeconds:0.0} s for the whole `kabar job run expiry-reminders` process (start-up included), peak {BenchReport.Megabytes(peak)} MB
            """), figures);
    }

    private static async Task SeedAsync(BenchDatabase db, int count)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jakarta");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var at = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync();
        }

        await using var tx = await connection.BeginTransactionAsync();
        foreach (var sql in new[]
        {
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1)
            INSERT INTO "Contacts" ("Id", "Phone", "Name", "Language", "WhatsAppConsent", "MarketingConsent", "LedgerSeq", "CreatedAt", "UpdatedAt")
            SELECT printf('00000000-0000-4000-8000-%012X', i), printf('+62813%08d', i), 'Warga ' || i, 'id', 'granted', 'unknown', 0, $at, $at FROM n
            """,
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1)
            INSERT INTO "Permits" ("Id", "ExternalRef", "PermitNumber", "PermitType", "Status", "StatusSeq", "StatusChangedAt", "HolderContactId",
                                   "IssuedOn", "ExpiresOn", "ExpiryRemindedDays", "CreatedAt", "UpdatedAt", "Version")
            SELECT printf('00000000-0000-4000-9000-%012X', i), 'BENCH-' || i, '503/' || i, 'Izin Usaha', 'issued', 0, $at,
                   printf('00000000-0000-4000-8000-%012X', i), '2022-01-01',
                   CASE WHEN i < $due THEN date($today, '+30 days')
                        WHEN i < $due + $reminded THEN date($today, '+' || (2 + i % 85) || ' days')
                        WHEN i % 2 = 0 THEN date($today, '-' || (1 + i % 1000) || ' days')
                        ELSE date($today, '+' || (100 + i % 1000) || ' days') END,
                   CASE WHEN i >= $due AND i < $due + $reminded THEN 1 END,
                   $at, $at, 0
            FROM n
            """,
        })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = (SqliteTransaction)tx;
            command.CommandText = sql;
            command.CommandTimeout = 600;
            command.Parameters.AddWithValue("$count", count);
            command.Parameters.AddWithValue("$due", Due(count));
            command.Parameters.AddWithValue("$reminded", AlreadyReminded(count));
            command.Parameters.AddWithValue("$today", today);
            command.Parameters.AddWithValue("$at", at);
            await command.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }

    internal static async Task<(int Code, string Output, long? PeakRss)> RunKabarAsync(BenchDatabase db, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(typeof(Dispatcher).Assembly.Location);
        foreach (var arg in args.Concat([
            $"--Kabar:Database:Provider={db.Provider}",
            $"--ConnectionStrings:Kabar={db.ConnectionString}",
            "--Kabar:Database:MigrateOnStartup=false",
            "--Logging:LogLevel:Default=Warning",
        ]))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // The peak resident set, read from /proc while the command runs (it is gone once it exits).
        long? peak = null;
        while (!process.WaitForExit(25))
        {
            peak = Math.Max(peak ?? 0, ReadPeak(process.Id) ?? 0);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr, peak);
    }

    private static long? ReadPeak(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var kb, ..] && long.TryParse(kb, CultureInfo.InvariantCulture, out var value)
                ? value * 1024
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
