using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Kabar.Contacts;

namespace Kabar.Benchmarks;

/// <summary>
/// <c>POST /api/decisions/bulk</c> with <c>--count</c> contact ids (default 100,000) in one call, read to
/// the last byte; median of three calls after one warm-up. Baseline in the same invocation: the
/// single-person <c>POST /api/decisions</c>, 2,000 calls 8 at a time against the same Kabar —
/// decisions/s one by one, and the bulk call's rate as a multiple of it.
/// </summary>
public static class DecisionsBulkBench
{
    private const string ApiKey = "kabar_bench_decisions_read_key_0123456789";

    public static async Task<string> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var ids = await SeedAsync(db, o.Count);
        await using var kabar = await KabarServer.StartAsync(db,
        [
            $"--Kabar:Api:Keys:0:Key={ApiKey}",
            "--Kabar:Api:Keys:0:Rights=read",
            "--Kabar:Simulator:Enabled=false",
            "--Kabar:Notifications:DispatcherEnabled=false",
            "--Kabar:Jobs:SchedulerEnabled=false",
        ]);
        using var client = new HttpClient { BaseAddress = new Uri(kabar.Url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var message = new { kind = "template", category = "utility" };

        // Baseline: one person per call.
        var singles = Math.Min(2_000, ids.Length);
        await SingleAsync(client, ids[0], message);
        var next = -1;
        var singleClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < singles)
            {
                await SingleAsync(client, ids[i], message);
            }
        })));
        var singleRate = singles / singleClock.Elapsed.TotalSeconds;

        await BulkAsync(client, ids.Take(1_000).ToArray(), message);
        var samples = new List<double>();
        var decided = 0;
        for (var run = 0; run < 3; run++)
        {
            (var elapsed, decided) = await BulkAsync(client, ids, message);
            samples.Add(elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var median = samples[1];
        var peak = kabar.PeakResidentBytes();
        var bulkRate = ids.Length / (median / 1000);
        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "decisions-bulk",
            ["db"] = db.Provider,
            ["contacts"] = ids.Length,
            ["decided"] = decided,
            ["bulk_ms"] = BenchReport.Round(median),
            ["bulk_runs_ms"] = samples.Select(s => BenchReport.Round(s)).ToList(),
            ["bulk_decisions_per_s"] = BenchReport.Round(bulkRate),
            ["single_calls"] = singles,
            ["single_decisions_per_s"] = BenchReport.Round(singleRate),
            ["ratio_to_single_calls"] = BenchReport.Round(bulkRate / singleRate, 1),
            ["kabar_peak_rss_mb"] = BenchReport.Megabytes(peak),
        };
        return BenchReport.Format(string.Create(CultureInfo.InvariantCulture, $"""
            decisions-bulk ({db.Provider}, {ids.Length} contacts in one call)
              bulk:     {median:0} ms median of 3 ({string.Join(", ", samples.Select(s => s.ToString("0", CultureInfo.InvariantCulture)))} ms), {decided} decisions, {bulkRate:0} decisions/s, peak {BenchReport.Megabytes(peak)} MB
              baseline: {singleRate:0} decisions/s through {singles} single calls, 8 concurrent
              ratio:    {bulkRate / singleRate:0.0} × the single calls
            """), figures);
    }

    private static async Task SingleAsync(HttpClient client, Guid id, object message)
    {
        using var response = await client.PostAsJsonAsync("/api/decisions", new { contactId = id, message });
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>One bulk call, timed to the last byte of the answer; the answer is checked after the clock stops.</summary>
    private static async Task<(TimeSpan Elapsed, int Found)> BulkAsync(HttpClient client, Guid[] ids, object message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/decisions/bulk") { Content = JsonContent.Create(new { contactIds = ids, message }) };
        await request.Content.LoadIntoBufferAsync();
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed;
        using var json = JsonDocument.Parse(body);
        return (elapsed, json.RootElement.EnumerateArray().Count(e => e.GetProperty("found").GetBoolean()));
    }

    /// <summary>Contacts with mixed consent and windows, 5,000 per save.</summary>
    private static async Task<Guid[]> SeedAsync(BenchDatabase db, int count)
    {
        var ids = new Guid[count];
        var at = DateTime.UtcNow.AddDays(-2);
        for (var start = 0; start < count; start += 5000)
        {
            await using var context = db.Open();
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + 5000); i++)
            {
                ids[i] = Guid.CreateVersion7();
                context.Contacts.Add(new Contact
                {
                    Id = ids[i],
                    Phone = string.Create(CultureInfo.InvariantCulture, $"+62813{i:00000000}"),
                    Email = i % 3 == 0 ? $"warga{i}@example.id" : null,
                    WhatsAppConsent = (i % 10) switch { < 6 => Kabar.Consent.ConsentState.Granted, < 9 => Kabar.Consent.ConsentState.Unknown, _ => Kabar.Consent.ConsentState.Withdrawn },
                    WhatsAppConsentAt = at,
                    LastInboundAt = i % 4 == 0 ? DateTime.UtcNow.AddHours(-(i % 48)) : null,
                    CreatedAt = at,
                    UpdatedAt = at,
                });
            }

            await context.SaveChangesAsync();
        }

        return ids;
    }
}
