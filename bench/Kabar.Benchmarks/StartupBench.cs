using System.Globalization;

namespace Kabar.Benchmarks;

/// <summary>
/// Start to ready: <c>dotnet kabar.dll</c> from process start to the first 200 from <c>/readyz</c>, on a
/// fresh SQLite file that Kabar migrates on start-up, <c>--runs</c> times (median). Baseline in the
/// same invocation, run alternately: a bare ASP.NET Core app (the benchmark's own bare webhook
/// endpoint, its own process) from start to its <c>/readyz</c>.
/// </summary>
public static class StartupBench
{
    public static async Task<string> RunAsync(BenchOptions o)
    {
        var kabar = new List<double>();
        var bare = new List<double>();
        long? peak = null;
        for (var run = 0; run < o.Runs; run++)
        {
            await using (var server = await KabarServer.StartProcessAsync(typeof(BareWebhookServer).Assembly.Location, ["bare-webhook"]))
            {
                bare.Add(server.StartToReady.TotalMilliseconds);
            }

            // A fresh, empty file each time: the migrations run inside the measured start.
            var file = Path.Combine(Path.GetTempPath(), $"kabar-bench-start-{Guid.NewGuid():N}.db");
            try
            {
                await using var server = await KabarServer.StartProcessAsync(typeof(Kabar.Notifications.Dispatcher).Assembly.Location,
                [
                    "--Kabar:Database:Provider=Sqlite",
                    $"--ConnectionStrings:Kabar=Data Source={file}",
                    "--Kabar:Database:MigrateOnStartup=true",
                    "--Logging:LogLevel:Default=Warning",
                ]);
                kabar.Add(server.StartToReady.TotalMilliseconds);
                peak = Math.Max(peak ?? 0, server.PeakResidentBytes() ?? 0);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(file + suffix);
                }
            }
        }

        kabar.Sort();
        bare.Sort();
        var kabarMedian = kabar[kabar.Count / 2];
        var bareMedian = bare[bare.Count / 2];
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "startup",
            ["runs"] = o.Runs,
            ["start_to_ready_ms"] = BenchReport.Round(kabarMedian),
            ["start_to_ready_runs_ms"] = kabar.Select(k => BenchReport.Round(k)).ToList(),
            ["bare_start_to_ready_ms"] = BenchReport.Round(bareMedian),
            ["ratio_to_bare"] = BenchReport.Round(kabarMedian / bareMedian, 2),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(peak),
        };
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            startup (fresh SQLite file, migrated on start; median of {o.Runs})
              kabar:    {kabarMedian:0} ms from process start to /readyz 200 ({string.Join(", ", kabar.Select(k => k.ToString("0", CultureInfo.InvariantCulture)))})
              baseline: {bareMedian:0} ms for a bare ASP.NET Core app
              ratio:    {kabarMedian / bareMedian:0.00} × the bare app
            """), figures);
    }
}
