using System.Globalization;

namespace Kabar.Benchmarks;

/// <summary>
/// Start to ready: <c>dotnet kabar.dll</c> from process start to the first 200 from <c>/readyz</c>, on a
/// fresh SQLite file that Kabar migrates on start-up, <c>--runs</c> times (median): the build output
/// (every method compiled just in time) and, with <c>--published DIR</c>, the ReadyToRun publish an
/// office deploys. Baseline in the same invocation, run alternately: a bare ASP.NET Core app (the
/// benchmark's own bare webhook endpoint, its own process) from start to its <c>/readyz</c>.
/// </summary>
public static class StartupBench
{
    public static async Task<string> RunAsync(BenchOptions o)
    {
        var built = new List<double>();
        var published = new List<double>();
        var bare = new List<double>();
        long? peak = null;
        for (var run = 0; run < o.Runs; run++)
        {
            await using (var server = await KabarServer.StartProcessAsync(typeof(BareWebhookServer).Assembly.Location, ["bare-webhook"]))
            {
                bare.Add(server.StartToReady.TotalMilliseconds);
            }

            var (ms, rss) = await StartKabarAsync(typeof(Kabar.Notifications.Dispatcher).Assembly.Location);
            built.Add(ms);
            peak = Math.Max(peak ?? 0, rss ?? 0);
            if (o.Published is { } dir)
            {
                (ms, rss) = await StartKabarAsync(Path.Combine(dir, "kabar.dll"));
                published.Add(ms);
                peak = Math.Max(peak ?? 0, rss ?? 0);
            }
        }

        built.Sort();
        published.Sort();
        bare.Sort();
        var builtMedian = built[built.Count / 2];
        double? publishedMedian = published.Count > 0 ? published[published.Count / 2] : null;
        var bareMedian = bare[bare.Count / 2];
        // The figure held against the budget: what an office runs (the publish), else the build.
        var kabarMedian = publishedMedian ?? builtMedian;
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "startup",
            ["runs"] = o.Runs,
            ["start_to_ready_ms"] = BenchReport.Round(kabarMedian),
            ["build_start_to_ready_ms"] = BenchReport.Round(builtMedian),
            ["build_start_to_ready_runs_ms"] = built.Select(k => BenchReport.Round(k)).ToList(),
            ["published_start_to_ready_ms"] = publishedMedian is { } p ? BenchReport.Round(p) : null,
            ["published_start_to_ready_runs_ms"] = published.Count > 0 ? published.Select(k => BenchReport.Round(k)).ToList() : null,
            ["bare_start_to_ready_ms"] = BenchReport.Round(bareMedian),
            ["ratio_to_bare"] = BenchReport.Round(kabarMedian / bareMedian, 2),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(peak),
        };
        var publishedLine = publishedMedian is { } pm
            ? string.Create(CultureInfo.InvariantCulture, $"{pm:0} ms published ReadyToRun ({Runs(published)})")
            : "not measured (give --published DIR)";
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            startup (fresh SQLite file, migrated on start; median of {o.Runs})
              kabar:    {builtMedian:0} ms from process start to /readyz 200 as built ({Runs(built)}); {publishedLine}
              baseline: {bareMedian:0} ms for a bare ASP.NET Core app
              ratio:    {kabarMedian / bareMedian:0.00} × the bare app ({(publishedMedian is null ? "build" : "published")})
            """), figures);

        static string Runs(List<double> runs) => string.Join(", ", runs.Select(k => k.ToString("0", CultureInfo.InvariantCulture)));
    }

    /// <summary>One start of <paramref name="dll"/> on a fresh, empty file: the migrations run inside the measured start.</summary>
    private static async Task<(double Ms, long? PeakRss)> StartKabarAsync(string dll)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kabar-bench-start-{Guid.NewGuid():N}.db");
        try
        {
            await using var server = await KabarServer.StartProcessAsync(dll,
            [
                "--Kabar:Database:Provider=Sqlite",
                $"--ConnectionStrings:Kabar=Data Source={file}",
                "--Kabar:Database:MigrateOnStartup=true",
                "--Logging:LogLevel:Default=Warning",
            ]);
            return (server.StartToReady.TotalMilliseconds, server.PeakResidentBytes());
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
}
