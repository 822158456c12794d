using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Benchmarks;

/// <summary>
/// Signed status webhooks for attempts Kabar has recorded: sent, delivered and read for each,
/// <c>--per-post</c> statuses per POST (one is Meta's usual shape and the headline, run at 8 and
/// 64 in flight; 100 is how Meta batches a burst), posted <c>--concurrency</c> at a time. Baseline in
/// the same invocation: the same POSTs from the same load generator to a bare ASP.NET Core endpoint
/// (its own process) that only verifies the signature and parses the batch — the ceiling of ingest
/// on this machine.
/// </summary>
public static class WebhookBench
{
    private const string Secret = "bench-secret";
    private static readonly string[] Statuses = ["sent", "delivered", "read"];

    public static async Task<string> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        // Both servers are warmed up the same way before they are timed, until the runtime has
        // compiled the hot paths optimized (tiered compilation waits for a quiet moment, so a few
        // posts leave them unoptimized for the whole timed run): real posts again and again for
        // WarmUp. The bare endpoint gets the first bodies; Kabar gets "sent", "delivered" and
        // "read" for attempts of its own (a warm-up on the timed attempts would turn the timed
        // posts into repeats), stored and applied the first time, so that applying each status is
        // compiled too, and repeats after that, as Meta's retries are.
        var warmPosts = Math.Min(50, (o.Count + o.PerPost - 1) / o.PerPost);
        var seeded = await SeedAsync(db, (Passes * o.Count) + (warmPosts * o.PerPost));
        var warmBodies = Statuses
            .SelectMany(status => seeded.Skip(Passes * o.Count).Chunk(o.PerPost).Select(chunk => Body(chunk, status)))
            .ToList();

        // Each timed pass carries statuses Kabar has not seen, for attempts of its own, as Meta's
        // traffic does: pass k posts sent, delivered and read for the k-th set of o.Count attempts.
        var passBodies = Enumerable.Range(0, Passes)
            .Select(pass => Statuses
                .SelectMany(status => seeded.Skip(pass * o.Count).Take(o.Count).Chunk(o.PerPost).Select(chunk => Body(chunk, status)))
                .ToList())
            .ToList();
        var updates = Statuses.Length * o.Count;
        var warmUpdates = Statuses.Length * (seeded.Count - (Passes * o.Count));

        // Each server is timed over Passes passes and judged on its fastest (one pass takes a few
        // seconds, and a moment's noise on the machine moves it a lot). The bare endpoint stores
        // nothing, so the bodies it gets are the same to it.
        var barePasses = new List<Run>();
        await using (var server = await KabarServer.StartProcessAsync(typeof(BareWebhookServer).Assembly.Location, ["bare-webhook", "--secret", Secret]))
        {
            using var bareClient = new HttpClient { BaseAddress = new Uri(server.Url) };
            await WarmUpAsync(bareClient, passBodies[0].Take(warmBodies.Count).ToList(), o.Concurrency);
            foreach (var bodies in passBodies)
            {
                barePasses.Add(await PostAllAsync(bareClient, bodies, o.Concurrency));
            }
        }

        await using var kabar = await KabarServer.StartAsync(db,
        [
            $"--Kabar:WhatsApp:AppSecret={Secret}",
            "--Kabar:WhatsApp:VerifyToken=bench",
            "--Kabar:Notifications:DispatcherEnabled=false",
            "--Kabar:Simulator:Enabled=false",
        ]);
        using var client = new HttpClient { BaseAddress = new Uri(kabar.Url) };

        await WarmUpAsync(client, warmBodies, o.Concurrency);
        await using var context = db.Open();
        await UntilAsync(() => AllAppliedAsync(context), TimeSpan.FromMinutes(1));

        // Kabar's processor time (every thread) per status: from the first POST until every new
        // status is applied, and over the repeat passes (the door alone). It moves far less with
        // the machine's other work than the rates do. Applying follows the acknowledgement: each
        // pass's statuses are applied before the next pass starts, and the applied rate is over
        // all of them, the first POST to the last applied.
        var cpuStart = kabar.ProcessorTime();
        var clock = Stopwatch.StartNew();
        var passes = new List<Run>();
        foreach (var bodies in passBodies)
        {
            passes.Add(await PostAllAsync(client, bodies, o.Concurrency));
            await UntilAsync(() => AllAppliedAsync(context), TimeSpan.FromMinutes(3));
        }

        var endToEnd = clock.Elapsed;
        var cpuApplied = kabar.ProcessorTime() - cpuStart;
        var applied = await context.WhatsAppStatusEvents.CountAsync(e => e.AppliedAt != null) - warmUpdates;

        // Then the first pass again, twice: Meta's retries of statuses already stored.
        var cpuRepeatsStart = kabar.ProcessorTime();
        var repeats = new List<Run>();
        for (var pass = 0; pass < RepeatPasses; pass++)
        {
            repeats.Add(await PostAllAsync(client, passBodies[0], o.Concurrency));
            await UntilAsync(async () => !await context.WebhookInbox.AnyAsync(), TimeSpan.FromMinutes(3));
        }

        var cpuRepeats = kabar.ProcessorTime() - cpuRepeatsStart;

        var repeatsApplied = await context.WhatsAppStatusEvents.CountAsync() - warmUpdates;
        var run = passes.MinBy(r => r.Elapsed)!;
        var repeat = repeats.MinBy(r => r.Elapsed)!;
        var bare = barePasses.MinBy(r => r.Elapsed)!;
        var peak = kabar.PeakResidentBytes();
        var read = await context.DeliveryAttempts.CountAsync(a => a.Status == AttemptStatus.Read) - (seeded.Count - (Passes * o.Count)); // not the warm-up's
        var bareRate = updates / bare.Elapsed.TotalSeconds;
        var rate = updates / run.Elapsed.TotalSeconds;
        var repeatRate = updates / repeat.Elapsed.TotalSeconds;
        string Rates(IEnumerable<Run> runs) => string.Join(", ", runs.Select(r => (updates / r.Elapsed.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)));
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "webhooks",
            ["db"] = db.Provider,
            ["updates"] = updates,
            ["posts"] = passBodies[0].Count,
            ["concurrency"] = o.Concurrency,
            ["per_post"] = o.PerPost,
            ["updates_per_s"] = BenchReport.Round(rate),
            ["p50_ms"] = BenchReport.Round(run.P(0.50)),
            ["p99_ms"] = BenchReport.Round(run.P(0.99)),
            ["max_ms"] = BenchReport.Round(run.P(1)),
            ["non_200"] = passes.Sum(r => r.Failures) + repeats.Sum(r => r.Failures),
            ["passes_updates_per_s"] = passes.Select(r => BenchReport.Round(updates / r.Elapsed.TotalSeconds)).ToList(),
            ["repeat_updates_per_s"] = BenchReport.Round(repeatRate),
            ["repeat_passes_updates_per_s"] = repeats.Select(r => BenchReport.Round(updates / r.Elapsed.TotalSeconds)).ToList(),
            ["repeat_of_bare_ceiling"] = BenchReport.Round(repeatRate / bareRate, 3),
            ["status_rows_after_repeats"] = repeatsApplied,
            ["bare_updates_per_s"] = BenchReport.Round(bareRate),
            ["bare_p50_ms"] = BenchReport.Round(bare.P(0.50)),
            ["bare_p99_ms"] = BenchReport.Round(bare.P(0.99)),
            ["bare_non_200"] = barePasses.Sum(r => r.Failures),
            ["bare_passes_updates_per_s"] = barePasses.Select(r => BenchReport.Round(updates / r.Elapsed.TotalSeconds)).ToList(),
            ["of_bare_ceiling"] = BenchReport.Round(rate / bareRate, 3),
            ["applied"] = applied,
            ["applied_per_s_end_to_end"] = BenchReport.Round(applied / endToEnd.TotalSeconds),
            ["attempts_read"] = read,
            ["kabar_cpu_ms_per_status"] = BenchReport.Round(cpuApplied.TotalMilliseconds / (updates * Passes), 3),
            ["kabar_cpu_ms_per_repeat"] = BenchReport.Round(cpuRepeats.TotalMilliseconds / (updates * RepeatPasses), 3),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(peak),
        };
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            webhooks ({db.Provider}, {Passes} passes of {updates} new statuses in {passBodies[0].Count} signed POSTs of {o.PerPost}, {o.Concurrency} concurrent)
              kabar:    {rate:0} updates/s (fastest of {Rates(passes)}), POST latency p50 {run.P(0.50):0} ms, p99 {run.P(0.99):0} ms, max {run.P(1):0} ms, {passes.Sum(r => r.Failures)} non-200, peak {BenchReport.Megabytes(peak)} MB
              repeats:  {repeatRate:0} updates/s (fastest of {Rates(repeats)}; the first pass posted again, as Meta retries), {repeats.Sum(r => r.Failures)} non-200, {repeatRate / bareRate:0.000} of the bare ceiling
              bare:     {bareRate:0} updates/s (fastest of {Rates(barePasses)}) verified and parsed by a bare ASP.NET Core endpoint (p50 {bare.P(0.5):0} ms, p99 {bare.P(0.99):0} ms, {barePasses.Sum(r => r.Failures)} non-200)
              ratio:    {rate / bareRate:0.000} of the bare ceiling
              applied:  {applied} of {updates * Passes} status events applied to attempts {endToEnd.TotalSeconds:0.0} s after the first POST ({applied / endToEnd.TotalSeconds:0} updates/s end to end), {read} of {o.Count * Passes} attempts at 'read'; {repeatsApplied} status rows after the repeats
              cpu:      Kabar's processor time {cpuApplied.TotalMilliseconds / (updates * Passes):0.000} ms per status from the first POST to applied, {cpuRepeats.TotalMilliseconds / (updates * RepeatPasses):0.000} ms per repeated status (the door and the commit)
            """), figures);
    }

    private static async Task<List<string>> SeedAsync(BenchDatabase db, int count)
    {
        var at = DateTime.UtcNow.AddMinutes(-1);
        var wamids = new List<string>(count);
        await BenchSeed.PermitNoticesAsync(db, count, at, (context, i, notification) =>
        {
            // Sent and accepted by Meta, waiting for its statuses.
            var attempt = new DeliveryAttempt
            {
                Id = Guid.CreateVersion7(),
                NotificationId = notification.Id,
                ContactId = notification.ContactId,
                Channel = Channel.WhatsApp,
                Status = AttemptStatus.Accepted,
                ProviderMessageId = string.Create(CultureInfo.InvariantCulture, $"wamid.BENCH{i:00000000}"),
                CreatedAt = at,
                UpdatedAt = at,
            };
            notification.State = NotificationState.Sent;
            notification.Channel = Channel.WhatsApp;
            notification.CurrentAttemptId = attempt.Id;
            context.DeliveryAttempts.Add(attempt);
            wamids.Add(string.Create(CultureInfo.InvariantCulture, $"{attempt.ProviderMessageId}|{attempt.Id}|62813{i:00000000}"));
        });
        return wamids;
    }

    private static string Body(string[] chunk, string status)
    {
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var statuses = new JsonArray();
        foreach (var item in chunk)
        {
            var parts = item.Split('|');
            var s = new JsonObject
            {
                ["id"] = parts[0],
                ["status"] = status,
                ["timestamp"] = at,
                ["recipient_id"] = parts[2],
                ["biz_opaque_callback_data"] = parts[1],
            };
            if (status != "read")
            {
                s["pricing"] = new JsonObject { ["billable"] = true, ["pricing_model"] = "PMP", ["type"] = "regular", ["category"] = "utility" };
            }

            statuses.Add(s);
        }

        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "900000000000000",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "6281100000000", ["phone_number_id"] = "900000000000001" },
                        ["statuses"] = statuses,
                    },
                }),
            }),
        }.ToJsonString();
    }

    private sealed record Run(TimeSpan Elapsed, double[] LatenciesMs, int Failures)
    {
        public double P(double q) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(q * LatenciesMs.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * LatenciesMs.Length) - 1)];
    }

    /// <summary>Timed passes of new statuses, each for its own attempts.</summary>
    private const int Passes = 3;

    /// <summary>Passes of the first pass's bodies again, after every status is applied: Meta's retries.</summary>
    private const int RepeatPasses = 2;

    /// <summary>How long each server is warmed up before it is timed.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Every status acknowledged so far is applied: no post waits in the webhook inbox and no
    /// status row waits for its attempt. Both are index lookups. Counting the applied rows every
    /// 50 ms instead read every status row each time, on the two cores Kabar is measured on.
    /// </summary>
    private static async Task<bool> AllAppliedAsync(KabarDbContext context) =>
        !await context.WebhookInbox.AnyAsync() && !await context.WhatsAppStatusEvents.AnyAsync(e => e.AppliedAt == null);

    private static async Task UntilAsync(Func<Task<bool>> done, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!await done() && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
    }

    private static async Task WarmUpAsync(HttpClient client, List<string> bodies, int concurrency)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            var round = await PostAllAsync(client, bodies, concurrency);
            if (round.Failures > 0)
            {
                throw new InvalidOperationException($"{round.Failures} warm-up posts were refused.");
            }
        }
        while (clock.Elapsed < WarmUp);
    }

    private static async Task<Run> PostAllAsync(HttpClient client, List<string> bodies, int concurrency)
    {
        var latencies = new double[bodies.Count];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var bytes = Encoding.UTF8.GetBytes(bodies[i]);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp")
                {
                    Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(bytes, Secret));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        Array.Sort(latencies);
        return new Run(clock.Elapsed, latencies, failures);
    }
}
