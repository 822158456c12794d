using System.Diagnostics;
using System.Globalization;
using Kabar.Notifications;
using Kabar.Simulator;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Benchmarks;

/// <summary>
/// Opted-in permit notices through Kabar's real dispatcher (Kabar as its own process) to the
/// standalone Cloud API simulator, over <c>--numbers</c> business numbers, in three runs on fresh
/// databases in the same invocation:
/// <list type="number">
/// <item>backlog: all notices due at once, the simulator and every number at <c>--mps</c> — messages/s against the configured rate
/// (Meta's ceiling), the most accepted in any one-second window, duplicates, Kabar's peak memory;</item>
/// <item>paced: notices fall due one after another at 90 % of the ceiling — queue-to-accept latency (accepted at the simulator minus due);</item>
/// <item>unthrottled (PostgreSQL): the same backlog with the limit out of the way (100,000 mps), beside the
/// same send job on Hangfire with PostgreSQL storage on the same server — Kabar's throughput as a multiple of Hangfire's.</item>
/// </list>
/// With <c>--statuses</c> the backlog and paced runs are in the shape of the real world: the
/// simulator posts each message's <c>sent</c>, <c>delivered</c> and <c>read</c> back to Kabar, one
/// status per POST as Meta usually does, while Kabar sends; each run then lasts until every attempt
/// is at <c>read</c>, and reports how long after the last send that was.
/// With <c>--instances N</c> (PostgreSQL) the backlog and paced runs go through N Kabar processes on the
/// one database, as an office runs two behind its proxy, and the same backlog through one process
/// is run first in the same invocation as the baseline.
/// </summary>
public static class DispatchBench
{
    private const int Unthrottled = 100_000;

    private sealed record KabarRun(IReadOnlyList<SimMessage> Messages, double Sustained, int MaxWindow, int Duplicates, long Throttled,
        int Pending, long? PeakRss, double[] LatenciesMs, TimeSpan Drained, TimeSpan Cpu, StatusRun? Statuses, SimulatorPauses Pauses);

    /// <summary>
    /// The pauses of the simulator's process during a timed run (<see cref="StallMeter"/>) longer
    /// than Kabar's arrival spread, the longest, the refusals that arrived a second after one (see
    /// <see cref="AfterAPause"/>), and the share of the accepted sends that arrived in those same
    /// windows: were the refusals unrelated to the pauses, about that share of them would.
    /// </summary>
    private sealed record SimulatorPauses(int OverSpread, TimeSpan Longest, int RefusedAfter, double ArrivalShare);

    /// <summary>
    /// The status webhooks of a run with <c>--statuses</c>: the simulator's POSTs, those Kabar did
    /// not answer 200 and those given up after every retry; the attempts at <c>read</c> at the end,
    /// and the time from the last send until all were (null: not within the wait).
    /// </summary>
    private sealed record StatusRun(long Posts, long Refused, long Abandoned, int Read, TimeSpan? AllReadAfterLastSend);

    public static async Task<string> RunAsync(BenchOptions o)
    {
        StallMeter.Start();
        var rate = o.MessagesPerSecond * o.Numbers;
        var warmup = o.WarmupSeconds * rate;
        var single = o.Instances > 1 ? await RunKabarAsync(o, o.Count, o.MessagesPerSecond, paced: false, instances: 1, warmup: warmup) : null;
        var backlog = await RunKabarAsync(o, o.Count, o.MessagesPerSecond, paced: false, o.Instances, o.Statuses, warmup);
        var pacedCount = Math.Min(o.Count, rate * 10);
        var paced = await RunKabarAsync(o, pacedCount, o.MessagesPerSecond, paced: true, o.Instances, o.Statuses, warmup);

        KabarRun? fast = null;
        HangfireBaseline.Result? hangfire = null, hangfireTuned = null;
        // Hangfire does a few hundred a second here: 5,000 jobs are enough for its rate.
        var compareCount = Math.Min(o.Count, 20_000);
        var hangfireCount = Math.Min(o.Count, 5_000);
        if (o.Db == "postgres" && o.Hangfire)
        {
            // Alternated, so a drift in the machine's load does not favour one side.
            hangfire = await HangfireBaseline.RunAsync(o, hangfireCount, workers: null);
            fast = await RunKabarAsync(o, compareCount, Unthrottled, paced: false, instances: 1);
            hangfireTuned = await HangfireBaseline.RunAsync(o, hangfireCount, workers: HangfireBaseline.TunedWorkers);
        }

        var perNumber = backlog.Messages.GroupBy(m => m.PhoneNumberId).ToDictionary(g => g.Key, g => Sustained(g.ToList()));
        // Null for a backlog too short to have two whole seconds in its second half.
        var half = SecondHalf(backlog.Messages);
        double? secondHalf = half.Count > 1 && half.Max(m => m.ReceivedAt) - half.Min(m => m.ReceivedAt) >= TimeSpan.FromSeconds(2)
            ? Sustained(half) : null;
        var bestHangfire = Math.Max(hangfire?.MessagesPerSecond ?? 0, hangfireTuned?.MessagesPerSecond ?? 0);
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "dispatch",
            ["db"] = o.Db == "postgres" ? "Postgres" : "Sqlite",
            ["numbers"] = o.Numbers,
            ["count"] = o.Count,
            ["mps_per_number"] = o.MessagesPerSecond,
            ["send_latency_ms"] = o.LatencyMs,
            ["send_latency_jitter_ms"] = o.JitterMs,
            ["instances"] = o.Instances,
            ["warmup_notices"] = warmup,
            ["messages_per_s"] = BenchReport.Round(backlog.Sustained),
            ["per_number_messages_per_s"] = perNumber.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => BenchReport.Round(p.Value)).ToList(),
            ["of_configured_rate"] = BenchReport.Round(backlog.Sustained / rate, 3),
            ["second_half_of_configured_rate"] = secondHalf is { } h ? BenchReport.Round(h / rate, 3) : null,
            ["max_in_any_second_per_number"] = backlog.MaxWindow,
            ["refused_130429"] = backlog.Throttled,
            ["arrivals_over_rate"] = backlog.Throttled,
            ["simulator_pauses_over_spread"] = backlog.Pauses.OverSpread,
            ["simulator_longest_pause_ms"] = BenchReport.Round(backlog.Pauses.Longest.TotalMilliseconds),
            ["refused_after_simulator_pause"] = backlog.Pauses.RefusedAfter,
            ["arrivals_after_simulator_pause_share"] = BenchReport.Round(backlog.Pauses.ArrivalShare, 3),
            ["duplicates"] = backlog.Duplicates,
            ["not_sent"] = backlog.Pending,
            ["drained_s"] = BenchReport.Round(backlog.Drained.TotalSeconds),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(backlog.PeakRss),
            ["kabar_cpu_ms_per_message"] = BenchReport.Round(backlog.Cpu.TotalMilliseconds / Math.Max(1, backlog.Messages.Count), 3),
            ["paced_count"] = pacedCount,
            ["paced_messages_per_s"] = BenchReport.Round(paced.Sustained),
            ["latency_p50_ms"] = BenchReport.Round(BenchReport.Quantile(paced.LatenciesMs, 0.50)),
            ["latency_p99_ms"] = BenchReport.Round(BenchReport.Quantile(paced.LatenciesMs, 0.99)),
            ["paced_max_in_any_second_per_number"] = paced.MaxWindow,
            ["paced_duplicates"] = paced.Duplicates,
            ["paced_arrivals_over_rate"] = paced.Throttled,
            ["paced_refused_after_simulator_pause"] = paced.Pauses.RefusedAfter,
            ["paced_peak_rss_mb"] = BenchReport.Megabytes(paced.PeakRss),
            ["status_webhooks"] = o.Statuses,
            ["status_posts"] = backlog.Statuses?.Posts,
            ["status_posts_refused"] = backlog.Statuses?.Refused,
            ["status_posts_abandoned"] = backlog.Statuses?.Abandoned,
            ["attempts_read"] = backlog.Statuses?.Read,
            ["all_read_s_after_last_send"] = backlog.Statuses?.AllReadAfterLastSend is { } allRead ? BenchReport.Round(allRead.TotalSeconds) : null,
            ["paced_status_posts_refused"] = paced.Statuses?.Refused,
            ["paced_all_read_s_after_last_send"] = paced.Statuses?.AllReadAfterLastSend is { } pacedRead ? BenchReport.Round(pacedRead.TotalSeconds) : null,
            ["unthrottled_count"] = fast is null ? null : compareCount,
            ["unthrottled_messages_per_s"] = fast is null ? null : BenchReport.Round(fast.Sustained),
            ["unthrottled_duplicates"] = fast?.Duplicates,
            ["unthrottled_drained_s"] = fast is null ? null : BenchReport.Round(fast.Drained.TotalSeconds),
            ["unthrottled_peak_rss_mb"] = fast is null ? null : BenchReport.Megabytes(fast.PeakRss),
            ["hangfire_count"] = hangfire is null ? null : hangfireCount,
            ["hangfire_messages_per_s"] = hangfire is null ? null : BenchReport.Round(hangfire.MessagesPerSecond),
            ["hangfire_workers"] = hangfire?.Workers,
            ["hangfire_tuned_messages_per_s"] = hangfireTuned is null ? null : BenchReport.Round(hangfireTuned.MessagesPerSecond),
            ["hangfire_tuned_workers"] = hangfireTuned?.Workers,
            ["hangfire_duplicates"] = hangfire is null ? null : hangfire.Duplicates + hangfireTuned!.Duplicates,
            ["ratio_to_hangfire"] = fast is null || bestHangfire == 0 ? null : BenchReport.Round(fast.Sustained / bestHangfire, 2),
            ["one_instance_messages_per_s"] = single is null ? null : BenchReport.Round(single.Sustained),
            ["one_instance_of_configured_rate"] = single is null ? null : BenchReport.Round(single.Sustained / rate, 3),
            ["one_instance_max_in_any_second_per_number"] = single?.MaxWindow,
            ["one_instance_duplicates"] = single?.Duplicates,
            ["one_instance_not_sent"] = single?.Pending,
            ["of_one_instance"] = single is null ? null : BenchReport.Round(backlog.Sustained / single.Sustained, 3),
        };

        var text = string.Create(CultureInfo.InvariantCulture, $"""
            dispatch ({figures["db"]}, {o.Numbers} number(s) at {o.MessagesPerSecond} mps each, {o.Instances} Kabar process(es), sends answered {o.LatencyMs} ± {o.JitterMs} ms after they arrive{(warmup > 0 ? $"; each run after a warm-up of {warmup} notices sent and read" : "")})
              backlog of {o.Count}: {backlog.Sustained:0} msg/s = {backlog.Sustained / rate:0.000} of the configured {rate} mps; per number {string.Join(", ", perNumber.Values.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))}
                second half of the backlog's time: {(secondHalf is { } sh ? string.Create(CultureInfo.InvariantCulture, $"{sh:0} msg/s = {sh / rate:0.000}") : "under two seconds")} (a process started for the run compiles its code in the first seconds)
                max {backlog.MaxWindow} accepted in any one-second window of one number, {backlog.Throttled} refused with 130429, {backlog.Duplicates} duplicates, {backlog.Pending} not sent, peak {BenchReport.Megabytes(backlog.PeakRss)} MB, {backlog.Cpu.TotalMilliseconds / Math.Max(1, backlog.Messages.Count):0.000} ms of Kabar's processor time per message
                the simulator's process paused longer than Kabar's {Spread.TotalMilliseconds:0} ms arrival spread {backlog.Pauses.OverSpread} times (longest {backlog.Pauses.Longest.TotalMilliseconds:0} ms); of the {backlog.Throttled} refused, {backlog.Pauses.RefusedAfter} arrived a second after such a pause, in windows that held {backlog.Pauses.ArrivalShare:P0} of the accepted sends
              paced ({pacedCount} falling due at {rate * 9 / 10}/s): {paced.Sustained:0} msg/s, queue-to-accept p50 {BenchReport.Quantile(paced.LatenciesMs, 0.5):0} ms, p99 {BenchReport.Quantile(paced.LatenciesMs, 0.99):0} ms, {paced.Throttled} refused with 130429
            """);
        if (backlog.Statuses is { } st)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"""

                  statuses posted back one per POST while sending: {st.Posts} POSTs, {st.Refused} not answered 200, {st.Abandoned} given up; {st.Read} of {backlog.Messages.Count} attempts at 'read' {Seconds(st.AllReadAfterLastSend)} after the last send (the last read is posted about 3.3 s after it); paced: {paced.Statuses!.Refused} not answered 200, all read {Seconds(paced.Statuses.AllReadAfterLastSend)} after the last send
                """);
        }

        if (single is not null)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"""

                  the same backlog through one process: {single.Sustained:0} msg/s = {single.Sustained / rate:0.000} of the configured rate, max {single.MaxWindow} in any second, {single.Duplicates} duplicates, {single.Pending} not sent; {o.Instances} processes reach {backlog.Sustained / single.Sustained:0.000} of it
                """);
        }

        if (fast is not null)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"""

                  unthrottled ({compareCount}, limit {Unthrottled} mps): Kabar {fast.Sustained:0} msg/s; Hangfire ({hangfireCount} jobs) {hangfire!.MessagesPerSecond:0} msg/s ({hangfire.Workers} workers), tuned {hangfireTuned!.MessagesPerSecond:0} msg/s ({hangfireTuned.Workers} workers); ratio {fast.Sustained / bestHangfire:0.00}
                """);
        }

        return BenchReport.Format(text, figures);
    }

    private static async Task<KabarRun> RunKabarAsync(BenchOptions o, int count, int mps, bool paced, int instances, bool statuses = false,
        int warmup = 0)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var rate = mps * o.Numbers;

        // Paced notices arrive at 90 % of the ceiling: at 100 % any jitter queues for good.
        var arrival = Math.Max(1, rate * 9 / 10);

        // Paced: notice i falls due at start + i / rate. Seeded a day ahead, the whole queue is moved
        // to start two seconds after Kabar is ready (one update), so its start-up is not in the latency.
        // With a warm-up, its notices (the first, due at once) go first, and the timed queue, a day
        // ahead, is moved to start once every one of them is sent (and read, with statuses).
        var delayed = paced || warmup > 0;
        var start = DateTime.UtcNow.AddDays(delayed ? 1 : 0).AddSeconds(-1);
        await BenchSeed.PermitNoticesAsync(db, warmup + count, DateTime.UtcNow.AddSeconds(-1), (_, i, n) =>
        {
            n.PhoneNumberId = BenchSeed.NumberOf(i % o.Numbers);
            n.DueAt = i < warmup ? DateTime.UtcNow.AddSeconds(-1)
                : paced ? start.AddTicks((i - warmup) * TimeSpan.TicksPerSecond / arrival) : start;
        });

        // With statuses, Kabar's address is chosen first, so the simulator can post to it.
        var url = statuses ? $"http://127.0.0.1:{KabarServer.FreePort()}" : null;
        var simSettings = SendSettings.Simulator(o, mps, url is null ? null : $"{url}/webhooks/whatsapp");
        if (statuses)
        {
            // Meta's usual shape, one status per POST; the citizen reads two seconds after delivery.
            simSettings["Kabar:Simulator:WebhookBatchSize"] = "1";
            simSettings["Kabar:Simulator:ReadDelay"] = "00:00:02";
        }

        await using var simHost = await SimulatorHost.StartAsync(simSettings);
        var sim = simHost.Services.GetRequiredService<CloudApiSimulator>();
        var settings = SendSettings.Kabar(simHost.Urls.First(), o.Numbers, mps);
        StatusRun? statusRun = null;
        var refusedBefore = 0L;
        var timedFrom = DateTimeOffset.UtcNow;

        var clock = Stopwatch.StartNew();
        long? peak;
        var cpu = TimeSpan.Zero;
        var servers = new List<KabarServer>();
        try
        {
            for (var k = 0; k < instances; k++)
            {
                servers.Add(await KabarServer.StartAsync(db, settings, url: url));
            }

            if (warmup > 0)
            {
                await WarmUpAsync(db, sim, warmup, statuses);
            }

            // Kabar's own processor time from ready (or warmed up) to drained, start-up excluded: on
            // a shared machine it varies far less between runs than the rate does.
            var cpuAtReady = servers.Select(s => s.ProcessorTime()).ToList();
            refusedBefore = sim.Stats().RefusedByCode.GetValueOrDefault("130429");
            timedFrom = DateTimeOffset.UtcNow;
            var postsBefore = simHost.Services.GetRequiredService<SimulatorWebhooks>().Counters;
            if (warmup > 0)
            {
                clock.Restart();
            }

            if (delayed)
            {
                var planned = start;
                start = DateTime.UtcNow.AddSeconds(paced ? 2 : -1);
                var shift = (planned - start).TotalMilliseconds;
                await using var context = db.Open();
                if (db.Provider == "Postgres")
                {
                    await context.Database.ExecuteSqlAsync($"UPDATE \"Notifications\" SET \"DueAt\" = \"DueAt\" - make_interval(secs => {shift / 1000})");
                }
                else
                {
                    await context.Notifications.ExecuteUpdateAsync(u => u.SetProperty(n => n.DueAt, n => n.DueAt.AddMilliseconds(-shift)));
                }
                await using var check = db.Open();
                var first = await check.Notifications.Where(n => n.State == NotificationState.Queued).MinAsync(n => n.DueAt);
                if (Math.Abs((first - start).TotalMilliseconds) > 5)
                {
                    throw new InvalidOperationException($"The paced queue was moved to {first:O}, not {start:O}.");
                }
            }

            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30 + (3.0 * count / Math.Min(rate, 5_000)));
            while (sim.Stats().Accepted < warmup + count && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }

            // Let the last answers be recorded before the processes go: until no notice waits for
            // its answer's record, for ten seconds at most, so that "not sent" counts notices
            // Kabar left behind, not answers still being written when the process was killed.
            var recordedBy = DateTime.UtcNow.AddSeconds(10);
            do
            {
                await Task.Delay(200);
            }
            while (await CountUnsentAsync(db) > 0 && DateTime.UtcNow < recordedBy);
            if (statuses)
            {
                var run = await UntilAllReadAsync(db, sim, simHost.Services.GetRequiredService<SimulatorWebhooks>());
                // The timed queue's own: the warm-up's statuses were all in before it started.
                statusRun = run with
                {
                    Posts = run.Posts - postsBefore.Posts,
                    Refused = run.Refused - postsBefore.Refused,
                    Abandoned = run.Abandoned - postsBefore.Abandoned,
                    Read = run.Read - warmup,
                };
            }

            peak = servers.Max(k => k.PeakResidentBytes());
            cpu = servers.Select((s, i) => s.ProcessorTime() - cpuAtReady[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }

        var drained = clock.Elapsed;
        var messages = sim.Messages(null).Where(m => Index(m.To) >= warmup).ToList();
        var stalls = StallMeter.Between(timedFrom, DateTimeOffset.UtcNow);
        var refusals = sim.ThrottledArrivals.Where(r => r.At >= timedFrom).ToList();
        var pauses = Pauses(stalls, refusals.Select(r => r.At).ToList(), messages);
        if (Environment.GetEnvironmentVariable("KABAR_BENCH_DUMP") is { } dumpPath)
        {
            // Every accepted message, for counting a number's sends second by second, every send
            // refused over the rate, and every pause of this process (docs/benchmarks.md).
            var kind = paced ? "p" : "b";
            File.AppendAllLines(dumpPath, messages.Select(m => $"{kind},{m.PhoneNumberId},{m.ReceivedAt.UtcTicks}"));
            File.AppendAllLines(dumpPath, refusals.Select(r => $"{kind}-refused,{r.PhoneNumberId},{r.At.UtcTicks}"));
            File.AppendAllLines(dumpPath, stalls.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{kind}-pause,{p.End.UtcTicks},{p.Length.TotalMilliseconds:0.0}")));
        }

        var latencies = Array.Empty<double>();
        if (paced)
        {
            latencies = messages
                .Select(m => (m.ReceivedAt.UtcDateTime - start.AddTicks((Index(m.To) - warmup) * TimeSpan.TicksPerSecond / arrival)).TotalMilliseconds)
                .Order()
                .ToArray();
        }

        return new KabarRun(
            messages,
            Sustained(messages),
            messages.GroupBy(m => m.PhoneNumberId).Select(g => MaxInAnySecond(g.ToList())).DefaultIfEmpty(0).Max(),
            messages.GroupBy(m => m.To).Count(g => g.Count() > 1),
            sim.Stats().RefusedByCode.GetValueOrDefault("130429") - refusedBefore,
            await CountUnsentAsync(db),
            peak,
            latencies,
            drained,
            cpu,
            statusRun,
            pauses);
    }

    /// <summary>Kabar's <c>ArrivalSpread</c>, which the benchmark leaves at its default.</summary>
    private static readonly TimeSpan Spread = new NotificationOptions().ArrivalSpread;

    /// <summary>
    /// Whether a send that arrived at <paramref name="at"/> came a second after the pause
    /// <paramref name="stall"/>: the requests that reached the simulator during a pause of length L
    /// ending at E were stamped E; their slots free a second and the spread after they left, so the
    /// sends that take them arrive from E + 1 s − L on, and until E + 1 s they find the stamped ones
    /// in their second. 50 ms either side for the network and Kabar's own timing.
    /// </summary>
    private static bool AfterAPause(StallMeter.Stall stall, DateTimeOffset at)
    {
        var margin = TimeSpan.FromMilliseconds(50);
        var second = TimeSpan.FromSeconds(1);
        return at >= stall.End + second - stall.Length - margin && at <= stall.End + second + margin;
    }

    private static SimulatorPauses Pauses(IReadOnlyList<StallMeter.Stall> stalls, List<DateTimeOffset> refusals, List<SimMessage> messages)
    {
        var over = stalls.Where(p => p.Length > Spread).ToList();
        bool After(DateTimeOffset at) => over.Any(p => AfterAPause(p, at));
        return new SimulatorPauses(
            over.Count,
            stalls.Select(p => p.Length).DefaultIfEmpty(TimeSpan.Zero).Max(),
            refusals.Count(After),
            messages.Count == 0 ? 0 : (double)messages.Count(m => After(m.ReceivedAt)) / messages.Count);
    }

    /// <summary>
    /// Waits until every accepted message's attempt is at <c>read</c>, or nothing moves for 30
    /// seconds: the simulator posts <c>read</c> about 3.3 s after it accepts a send (sent after
    /// 0.3 s, delivered a second later, read two seconds after that).
    /// </summary>
    private static async Task<StatusRun> UntilAllReadAsync(BenchDatabase db, CloudApiSimulator sim, SimulatorWebhooks webhooks)
    {
        var lastSend = sim.Messages(null).Max(m => m.ReceivedAt);
        var accepted = sim.Stats().Accepted;
        await using var context = db.Open();
        var (read, stillSince) = (-1, DateTime.UtcNow);
        TimeSpan? allRead = null;
        while (DateTime.UtcNow - stillSince < TimeSpan.FromSeconds(30))
        {
            var now = await context.DeliveryAttempts.CountAsync(a => a.Status == AttemptStatus.Read);
            if (now >= accepted)
            {
                allRead = DateTimeOffset.UtcNow - lastSend;
                read = now;
                break;
            }

            if (now != read)
            {
                (read, stillSince) = (now, DateTime.UtcNow);
            }

            await Task.Delay(100);
        }

        var (posts, refused, abandoned) = webhooks.Counters;
        return new StatusRun(posts, refused, abandoned, read, allRead);
    }

    /// <summary>
    /// Until every warm-up notice is sent and its answer recorded, and with statuses every one is
    /// read: then the process has compiled its hot code, as one that has been running has. A
    /// warm-up that did not send all its notices in time ends the run; one whose last statuses are
    /// late is timed all the same.
    /// </summary>
    private static async Task WarmUpAsync(BenchDatabase db, CloudApiSimulator sim, int warmup, bool statuses)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60 + (3.0 * warmup / 1_000));
        while (sim.Stats().Accepted < warmup && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        await using var context = db.Open();
        var timed = DateTime.UtcNow.AddHours(1);
        while (DateTime.UtcNow < until
               && await context.Notifications.CountAsync(n => n.DueAt < timed && (n.State == NotificationState.Queued || n.State == NotificationState.Sending)) > 0)
        {
            await Task.Delay(200);
        }

        while (statuses && DateTime.UtcNow < until && await context.DeliveryAttempts.CountAsync(a => a.Status == AttemptStatus.Read) < warmup)
        {
            await Task.Delay(200);
        }

        if (sim.Stats().Accepted < warmup)
        {
            // What the unsent warm-up notices are waiting for: their states and last attempts.
            var unsent = await context.Notifications
                .Where(n => n.DueAt < timed && n.State != NotificationState.Sent && n.State != NotificationState.Delivered && n.State != NotificationState.Read)
                .Select(n => new { n.State, n.WhatsAppTries, n.LastErrorCode, n.LastError, n.DueAt, n.LockedUntil })
                .Take(5)
                .ToListAsync();
            var attempts = await context.DeliveryAttempts
                .Where(a => a.Status != AttemptStatus.Read && a.Status != AttemptStatus.Delivered && a.Status != AttemptStatus.Sent)
                .GroupBy(a => new { a.Status, a.ErrorCode, a.Ambiguous })
                .Select(g => new { g.Key.Status, g.Key.ErrorCode, g.Key.Ambiguous, Count = g.Count() })
                .ToListAsync();
            throw new InvalidOperationException(
                $"The warm-up did not finish: {sim.Stats().Accepted} of {warmup} notices sent. Unsent: "
                + string.Join("; ", unsent.Select(n => $"{n.State} tries {n.WhatsAppTries} error {n.LastErrorCode} {n.LastError} due {n.DueAt:O} locked until {n.LockedUntil:O}"))
                + ". Attempts not sent: " + string.Join("; ", attempts.Select(a => $"{a.Status} {a.ErrorCode} ambiguous {a.Ambiguous}: {a.Count}")));
        }
    }

    private static string Seconds(TimeSpan? after) =>
        after is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s") : "not all within 30 s of no progress";

    /// <summary>Notice i was seeded for +62813 followed by i in eight digits.</summary>
    private static long Index(string? to) =>
        to is { Length: >= 8 } ? long.Parse(to.AsSpan(to.Length - 8), CultureInfo.InvariantCulture) : 0;

    private static async Task<int> CountUnsentAsync(BenchDatabase db)
    {
        await using var context = db.Open();
        return context.Notifications.Count(n => n.State == NotificationState.Queued || n.State == NotificationState.Sending);
    }

    /// <summary>The messages accepted in the second half of the time from the first to the last.</summary>
    public static List<SimMessage> SecondHalf(IReadOnlyList<SimMessage> messages)
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var first = messages.Min(m => m.ReceivedAt.UtcTicks);
        var middle = first + ((messages.Max(m => m.ReceivedAt.UtcTicks) - first) / 2);
        return [.. messages.Where(m => m.ReceivedAt.UtcTicks >= middle)];
    }

    /// <summary>Mean sends per whole second, from the first send to the start of the last, partial second.</summary>
    public static double Sustained(IReadOnlyList<SimMessage> messages)
    {
        if (messages.Count < 2)
        {
            return messages.Count;
        }

        var times = messages.Select(m => m.ReceivedAt.UtcTicks).Order().ToArray();
        var seconds = (times[^1] - times[0]) / TimeSpan.TicksPerSecond;
        if (seconds == 0)
        {
            // Everything inside one second: the rate from first to last.
            return (times.Length - 1) / Math.Max((times[^1] - times[0]) / (double)TimeSpan.TicksPerSecond, 1e-3);
        }

        var cutoff = times[0] + (seconds * TimeSpan.TicksPerSecond);
        return (double)times.Count(t => t < cutoff) / seconds;
    }

    private static int MaxInAnySecond(IReadOnlyList<SimMessage> messages)
    {
        var times = messages.Select(m => m.ReceivedAt.UtcTicks).Order().ToArray();
        var max = 0;
        for (int i = 0, j = 0; i < times.Length; i++)
        {
            while (times[i] - times[j] >= TimeSpan.TicksPerSecond)
            {
                j++;
            }

            max = Math.Max(max, i - j + 1);
        }

        return max;
    }
}
