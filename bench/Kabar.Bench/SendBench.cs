using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Kabar.Notifications;
using Kabar.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Bench;

/// <summary>
/// One Kabar instance drains a queue of opted-in permit notices to the standalone simulator set
/// at <c>--mps</c>. Baseline: a bare HTTP client paced by the same limiter, no database, against
/// the same simulator in the same run — the best a paced sender can do on this machine.
/// </summary>
public static class SendBench
{
    private const string Number = BenchSeed.Number;

    public static async Task<string> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        await BenchSeed.PermitNoticesAsync(db, o.Count, DateTime.UtcNow.AddSeconds(-1), (_, _, _) => { });
        await using var simHost = await SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kabar:Simulator:MessagesPerSecond"] = o.MessagesPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var simUrl = simHost.Urls.First();
        var sim = simHost.Services.GetRequiredService<CloudApiSimulator>();

        var baselineCount = Math.Min(o.Count, o.MessagesPerSecond * 8);
        var baseline = await BaselineAsync(simUrl, o.MessagesPerSecond, baselineCount);
        var baselineRate = Sustained(sim.Messages(null));
        sim.Reset();

        var clock = Stopwatch.StartNew();
        await using (var kabar = await KabarServer.StartAsync(db,
        [
            $"--Kabar:WhatsApp:GraphApiBaseUrl={simUrl}",
            $"--Kabar:WhatsApp:Numbers:0:PhoneNumberId={Number}",
            $"--Kabar:WhatsApp:Numbers:0:MessagesPerSecond={o.MessagesPerSecond}",
            "--Kabar:WhatsApp:AppSecret=bench-secret",
            "--Kabar:WhatsApp:MessagingLimit=unlimited",
            "--Kabar:Simulator:Enabled=false",
            "--Kabar:Policy:QuietHoursStart=00:00",
            "--Kabar:Policy:QuietHoursEnd=00:00",
        ]))
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30 + (3.0 * o.Count / o.MessagesPerSecond));
            while (sim.Stats().Accepted < o.Count && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }

            // Let the last answers be recorded before the process goes.
            await Task.Delay(1000);
            Console.Error.WriteLine(string.Join("\n", kabar.Output.Split('\n').Where(l => l.Contains("PASS", StringComparison.Ordinal)).Take(40)));
        }

        var messages = sim.Messages(null);
        var stats = sim.Stats();
        var rate = Rate(messages);
        var sustained = Sustained(messages);
        var perSecond = PerSecond(messages);
        var window = MaxInAnySecond(messages);
        var duplicates = messages.GroupBy(m => m.To).Count(g => g.Count() > 1);
        var throttled = stats.RefusedByCode.GetValueOrDefault("130429");
        var pending = await CountUnsentAsync(db);
        return string.Create(CultureInfo.InvariantCulture, $"""
            send ({db.Provider}, {o.Count} notices, simulator at {o.MessagesPerSecond} mps)
              kabar:    {messages.Count} accepted, sustained {sustained:0} msg/s (mean of whole seconds), {rate:0} msg/s first to last send, drained in {clock.Elapsed.TotalSeconds:0.0} s incl. start-up
              baseline: {baselineCount} paced client sends, sustained {baselineRate:0} msg/s
              ratio:    {sustained / baselineRate:0.000} of baseline, {sustained / o.MessagesPerSecond:0.000} of the configured rate
              per second: {string.Join(' ', perSecond)}
              limits:   max {window} accepted in any sliding second (limit {o.MessagesPerSecond}), {throttled} refused with 130429
              exactly once: {duplicates} people with more than one message, {stats.DuplicateCallbackData} repeated attempt ids, {pending} notices not sent
              (baseline: {baseline.Failures} failures)
            """);
    }

    private static async Task<int> CountUnsentAsync(BenchDatabase db)
    {
        await using var context = db.Open();
        return context.Notifications.Count(n => n.State == NotificationState.Queued || n.State == NotificationState.Sending);
    }

    private sealed record BaselineResult(int Failures);

    private static async Task<BaselineResult> BaselineAsync(string simUrl, int mps, int count)
    {
        using var client = new HttpClient { BaseAddress = new Uri(simUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
        var limiter = new SendLimiter(mps);
        using var gate = new SemaphoreSlim(256);
        var failures = 0;
        var tasks = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            while (!limiter.TryAcquire(DateTime.UtcNow))
            {
                var free = limiter.NextFree(DateTime.UtcNow);
                var wait = free is { } f ? f - DateTime.UtcNow : TimeSpan.FromMilliseconds(1);
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
            }

            await gate.WaitAsync();
            var n = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await client.PostAsJsonAsync($"/v23.0/{Number}/messages", new Dictionary<string, object>
                    {
                        ["messaging_product"] = "whatsapp",
                        ["recipient_type"] = "individual",
                        ["to"] = string.Create(CultureInfo.InvariantCulture, $"+62814{n:00000000}"),
                        ["type"] = "text",
                        ["text"] = new { preview_url = false, body = "baseline" },
                        ["biz_opaque_callback_data"] = Guid.NewGuid().ToString(),
                    });
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                finally
                {
                    limiter.Release(DateTime.UtcNow);
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
        return new BaselineResult(failures);
    }

    private static double Rate(IReadOnlyList<SimMessage> messages)
    {
        if (messages.Count < 2)
        {
            return 0;
        }

        var times = messages.Select(m => m.ReceivedAt).Order().ToList();
        return (times.Count - 1) / (times[^1] - times[0]).TotalSeconds;
    }

    /// <summary>Mean sends per whole second, from the first send to the start of the last, partial second.</summary>
    private static double Sustained(IReadOnlyList<SimMessage> messages)
    {
        if (messages.Count < 2)
        {
            return 0;
        }

        var times = messages.Select(m => m.ReceivedAt.UtcTicks).Order().ToArray();
        var seconds = (times[^1] - times[0]) / TimeSpan.TicksPerSecond;
        if (seconds == 0)
        {
            return messages.Count;
        }

        var cutoff = times[0] + (seconds * TimeSpan.TicksPerSecond);
        return (double)times.Count(t => t < cutoff) / seconds;
    }

    private static List<int> PerSecond(IReadOnlyList<SimMessage> messages)
    {
        var times = messages.Select(m => m.ReceivedAt.UtcTicks).Order().ToArray();
        return times.Length == 0 ? [] : times.GroupBy(t => (t - times[0]) / TimeSpan.TicksPerSecond).Select(g => g.Count()).ToList();
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
