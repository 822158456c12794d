using System.Globalization;
using Kabar.Simulator;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Benchmarks;

/// <summary>
/// The SiCantik connector (docs/sicantik.md) against the standalone SiCantik simulator over real
/// sockets, Kabar as its own process (<c>kabar job run sicantik-sync</c>): the backfill of
/// <c>--count</c> applications (98 % issued, 2 % in process), then 1 % of them changed (half new
/// applications, half issued since) and an incremental sync at the connector's default rate of
/// 5 requests a second. The backfill runs at 1,000 a second: at the default rate its requests
/// alone would take hours, which the report computes. Baselines: the requests the pages and the
/// changes need (pages + the changed), and the time the default rate itself takes for the
/// incremental sync's requests.
/// </summary>
public static class SiCantikBench
{
    private const double BackfillRate = 1000;
    private const double DefaultRate = 5;

    /// <summary>The connector spaces requests 10 % wider than the setting (SiCantikPacer).</summary>
    private const double Spacing = 1.1;

    public static async Task<string> RunAsync(BenchOptions o)
    {
        var count = Math.Max(o.Count, 100);
        await using var db = await BenchDatabase.CreateAsync(o);
        await using var host = await SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kabar:Simulator:SiCantik:Issued"] = "0",
            ["Kabar:Simulator:SiCantik:InProcess"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var sim = host.Services.GetRequiredService<SiCantikSimulator>();
        sim.Seed(count - (count / 50), count / 50, 1);
        var url = host.Urls.First() + "/backoffice/api";

        var backfill = await SyncAsync(db, sim, url, BackfillRate);
        var changed = Math.Max(2, count / 100);
        foreach (var application in sim.Applications().Where(a => !a.Issued).Take(changed / 2))
        {
            sim.Issue(application.PendaftaranId);
        }

        for (var i = 0; i < changed - (changed / 2); i++)
        {
            sim.Add();
        }

        var incremental = await SyncAsync(db, sim, url, DefaultRate);
        var floor = incremental.Requests * Spacing / DefaultRate;
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "sicantik",
            ["db"] = db.Provider,
            ["applications"] = count,
            ["backfill_requests"] = backfill.Requests,
            ["backfill_requests_per_application"] = BenchReport.Round((double)backfill.Requests / count, 3),
            ["backfill_rate"] = BackfillRate,
            ["backfill_s"] = BenchReport.Round(backfill.Seconds),
            ["backfill_at_default_rate_s"] = BenchReport.Round(backfill.Requests * Spacing / DefaultRate),
            ["backfill_peak_rss_mb"] = BenchReport.Megabytes(backfill.PeakRss),
            ["changed"] = changed,
            ["incremental_requests"] = incremental.Requests,
            ["incremental_pages_plus_changed"] = incremental.Pages + changed,
            ["incremental_rate"] = DefaultRate,
            ["incremental_s"] = BenchReport.Round(incremental.Seconds),
            ["incremental_rate_floor_s"] = BenchReport.Round(floor),
            ["of_rate_floor"] = BenchReport.Round(incremental.Seconds / floor, 3),
            ["incremental_peak_rss_mb"] = BenchReport.Megabytes(incremental.PeakRss),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(Math.Max(backfill.PeakRss ?? 0, incremental.PeakRss ?? 0)),
        };
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            sicantik ({db.Provider}, {count} applications in the simulator)
              backfill at {BackfillRate} requests/s: {backfill.Requests} requests ({(double)backfill.Requests / count:0.000} per application) in {backfill.Seconds:0.0} s, peak {BenchReport.Megabytes(backfill.PeakRss)} MB; at the default {DefaultRate}/s the requests alone take {backfill.Requests * Spacing / DefaultRate:0} s
              1 % changed ({changed}), synced at the default {DefaultRate}/s: {incremental.Requests} requests (pages + changed = {incremental.Pages + changed}) in {incremental.Seconds:0.0} s, {incremental.Seconds / floor:0.000} of the {floor:0.0} s the rate itself takes, peak {BenchReport.Megabytes(incremental.PeakRss)} MB
              {incremental.Detail}
            """), figures);
    }

    private sealed record Sync(long Requests, int Pages, double Seconds, long? PeakRss, string Detail);

    private static async Task<Sync> SyncAsync(BenchDatabase db, SiCantikSimulator sim, string url, double rate)
    {
        var before = sim.Stats().Requests;
        var (code, output, peak) = await SchedulerScanBench.RunKabarAsync(db, "job", "run", "sicantik-sync",
            $"--Kabar:SiCantik:BaseUrl={url}", $"--Kabar:SiCantik:RequestsPerSecond={rate.ToString(CultureInfo.InvariantCulture)}");
        if (code != 0)
        {
            throw new InvalidOperationException($"kabar job run sicantik-sync failed ({code}): {output}");
        }

        await using var context = db.Open();
        var run = await context.JobRuns.AsNoTracking().Where(r => r.Job == "sicantik-sync").OrderByDescending(r => r.StartedAt).FirstAsync();
        var detail = run.Detail ?? "";
        var pages = int.Parse(detail.Split("; ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        return new Sync(sim.Stats().Requests - before, pages, run.DurationMs / 1000.0, peak, detail);
    }
}
