using System.Diagnostics;
using System.Globalization;
using Kabar.Notifications;
using Kabar.Simulator;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Benchmarks;

/// <summary>
/// Kabar killed with SIGKILL in the middle of a backlog and started again at once, as systemd's
/// <c>Restart=always</c> does (docs/deploying.md): <c>--count</c> opted-in permit notices due at once, one
/// number at <c>--mps</c>, the standalone simulator answering after <c>--latency</c> ± <c>--jitter</c> and
/// posting its status webhooks to Kabar's address. Once a quarter has been accepted the process is
/// killed. Measured: the time from the kill to the first send of the new process (its start-up
/// included, reported beside it as the baseline; it waits for the dead process's sending lease, 15 s), the rate after it, the notices left in doubt (their
/// request may have left when the process died: they wait for a status, SPEC §6), people messaged
/// twice and notices not sent.
/// </summary>
public static class RecoveryBench
{
    public static async Task<string> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        await BenchSeed.PermitNoticesAsync(db, o.Count, DateTime.UtcNow.AddSeconds(-1), (_, _, n) =>
        {
            n.PhoneNumberId = BenchSeed.Number;
            n.DueAt = DateTime.UtcNow.AddSeconds(-1);
        });

        // One address for both processes, so the simulator's webhooks reach whichever is running.
        var url = $"http://127.0.0.1:{KabarServer.FreePort()}";
        await using var simHost = await SimulatorHost.StartAsync(SendSettings.Simulator(o, o.MessagesPerSecond, $"{url}/webhooks/whatsapp"));
        var sim = simHost.Services.GetRequiredService<CloudApiSimulator>();
        var settings = SendSettings.Kabar(simHost.Urls.First(), numbers: 1, o.MessagesPerSecond);

        var first = await KabarServer.StartAsync(db, settings, url: url);
        while (sim.Stats().Accepted < o.Count / 4)
        {
            await Task.Delay(20);
        }

        await first.DisposeAsync(); // SIGKILL: no shutdown, no lease given back
        var killedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using var second = await KabarServer.StartAsync(db, settings, url: url);
        var ready = clock.Elapsed;

        // Until everything is sent, or nothing moves for half a minute: the new process waits
        // for the dead one's sending lease (SenderLease, 15 s) to run out before it sends.
        var (last, stillSince) = (sim.Stats().Accepted, clock.Elapsed);
        while (sim.Stats().Accepted < o.Count && clock.Elapsed - stillSince < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
            if (sim.Stats().Accepted != last)
            {
                (last, stillSince) = (sim.Stats().Accepted, clock.Elapsed);
            }
        }

        await Task.Delay(2000); // the last answers and statuses recorded
        var messages = sim.Messages(null);
        var after = messages.Where(m => m.ReceivedAt > killedAt).Select(m => m.ReceivedAt).Order().ToList();
        var resumed = after.Count > 0 ? after[0] - killedAt : (TimeSpan?)null;
        var rateAfter = after.Count > 1 ? (after.Count - 1) / (after[^1] - after[0]).TotalSeconds : 0;
        await using var context = db.Open();
        var inDoubt = await context.DeliveryAttempts.CountAsync(a => a.Status == AttemptStatus.Unknown);
        var notSent = await context.Notifications.CountAsync(n => n.State == NotificationState.Queued || n.State == NotificationState.Scheduled
            || n.State == NotificationState.Sending);
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "recovery",
            ["db"] = db.Provider,
            ["count"] = o.Count,
            ["mps"] = o.MessagesPerSecond,
            ["send_latency_ms"] = o.LatencyMs,
            ["send_latency_jitter_ms"] = o.JitterMs,
            ["accepted_before_kill"] = messages.Count - after.Count,
            ["kill_to_ready_s"] = BenchReport.Round(ready.TotalSeconds, 2),
            ["kill_to_first_send_s"] = resumed is null ? null : BenchReport.Round(resumed.Value.TotalSeconds, 2),
            ["ready_to_first_send_s"] = resumed is null ? null : BenchReport.Round((resumed.Value - ready).TotalSeconds, 2),
            ["messages_per_s_after"] = BenchReport.Round(rateAfter),
            ["of_configured_rate_after"] = BenchReport.Round(rateAfter / o.MessagesPerSecond, 3),
            ["in_doubt"] = inDoubt,
            ["not_sent"] = notSent,
            ["duplicates"] = messages.GroupBy(m => m.To).Count(g => g.Count() > 1),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(second.PeakResidentBytes()),
        };
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            recovery ({db.Provider}, {o.Count} notices at {o.MessagesPerSecond} mps, sends answered {o.LatencyMs} ± {o.JitterMs} ms after they arrive)
              killed (SIGKILL) after {figures["accepted_before_kill"]} accepted; the new process ready {ready.TotalSeconds:0.00} s after the kill, its first send {resumed?.TotalSeconds:0.00} s after the kill
              then {rateAfter:0} msg/s = {rateAfter / o.MessagesPerSecond:0.000} of the configured rate; {inDoubt} in doubt (waiting for a status), {notSent} not sent, {figures["duplicates"]} people messaged twice
            """);
        return BenchReport.Format(text, figures);
    }
}
