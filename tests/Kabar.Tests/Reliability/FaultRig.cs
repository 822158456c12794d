using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Kabar as its own process on real time, talking over real HTTP to the standalone Cloud API
/// simulator (whose faults the fault suite switches on and off) and, when given, to an SMS
/// gateway and a mail server. The retry budget per notice is short (three tries, one second
/// apart at first), so any outage these tests make outlasts it: only outage handling, not
/// patient retries, can keep the notices on their channel.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    public const string Number = "109000000000001";
    private const string ApiKey = "fault-test-key-0123456789";
    private const string AppSecret = "fault-test-secret";

    private readonly string directory;
    private readonly WebApplication simulatorHost;

    private FaultRig(string directory, WebApplication simulatorHost, KabarProcess kabar, string kabarUrl, int mps)
    {
        this.directory = directory;
        this.simulatorHost = simulatorHost;
        Kabar = kabar;
        MessagesPerSecond = mps;
        Api = new HttpClient { BaseAddress = new Uri(kabarUrl), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public KabarProcess Kabar { get; }

    public HttpClient Api { get; }

    public int MessagesPerSecond { get; }

    public CloudApiSimulator Simulator => simulatorHost.Services.GetRequiredService<CloudApiSimulator>();

    public static async Task<FaultRig> StartAsync(PostgresServer postgres, Db db, int mps, params string[] extra)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"kabar-faults-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = KabarProcess.FreePort();
        var kabarUrl = $"http://127.0.0.1:{port}";
        var simulator = await SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kabar:Simulator:WebhookUrl"] = $"{kabarUrl}/webhooks/whatsapp",
            ["Kabar:Simulator:AppSecret"] = AppSecret,
            ["Kabar:Simulator:MessagesPerSecond"] = mps.ToString(CultureInfo.InvariantCulture),
            ["Kabar:Simulator:SentDelay"] = "00:00:00.200",
            ["Kabar:Simulator:DeliveredDelay"] = "00:00:00.300",
            ["Kabar:Simulator:WebhookRetryDelay"] = "00:00:00.250",
            ["Kabar:Simulator:WebhookMaxAttempts"] = "12",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        string database = db == Db.Sqlite
            ? $"--ConnectionStrings:Kabar=Data Source={Path.Combine(directory, "kabar.db")}"
            : $"--ConnectionStrings:Kabar={await postgres.CreateDatabaseAsync()}";
        List<string> args =
        [
            "--urls", kabarUrl,
            database,
            $"--Kabar:Api:Keys:0={ApiKey}",
            $"--Kabar:WhatsApp:GraphApiBaseUrl={simulator.Urls.First()}",
            $"--Kabar:WhatsApp:AppSecret={AppSecret}",
            "--Kabar:WhatsApp:VerifyToken=fault-test-verify",
            $"--Kabar:WhatsApp:Numbers:0:PhoneNumberId={Number}",
            $"--Kabar:WhatsApp:Numbers:0:MessagesPerSecond={mps}",
            "--Kabar:WhatsApp:MessagingLimit=unlimited",
            "--Kabar:WhatsApp:SendTimeout=00:00:02",
            "--Kabar:Simulator:Enabled=false",
            "--Kabar:Notifications:PollInterval=00:00:00.200",
            "--Kabar:Notifications:MaxWhatsAppTries=3",
            "--Kabar:Notifications:MaxFallbackTries=3",
            "--Kabar:Notifications:RetryBaseDelay=00:00:01",
            // Longer than the simulator takes to post a taken message's statuses, so a send that
            // timed out but was taken is settled by its webhook, not sent again.
            "--Kabar:Notifications:UnknownOutcomeGrace=00:00:08",
            "--Kabar:Policy:QuietHoursStart=00:00",
            "--Kabar:Policy:QuietHoursEnd=00:00",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (db == Db.Postgres)
        {
            args.Add("--Kabar:Database:Provider=Postgres");
        }

        args.AddRange(extra);
        var kabar = KabarProcess.Start(directory, args);
        var rig = new FaultRig(directory, simulator, kabar, kabarUrl, mps);
        await kabar.WaitUntilReadyAsync(kabarUrl, TimeSpan.FromSeconds(60));
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Kabar.DisposeAsync();
        await simulatorHost.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Switches a fault on in the simulator, as a test would through <c>POST _control/faults</c>.</summary>
    public void Fault(int code, string mode = "sync", double? forSeconds = null, double? share = null, int? delayMs = null,
        int? retryAfterSeconds = null, string? to = null) =>
        Simulator.AddFault(new FaultRequest(to, code, mode, 1, retryAfterSeconds, forSeconds, share, delayMs));

    /// <summary>Registers people, eight requests at a time: each body from its index.</summary>
    public async Task CreateContactsAsync(int count, Func<int, object> body)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var created = await Api.PostAsJsonAsync("/api/contacts", body(i), ct);
            await Http.AssertStatusAsync(created, System.Net.HttpStatusCode.Created);
        });
    }

    /// <summary>Registers each phone with WhatsApp consent from the registration form.</summary>
    public Task CreateOptedInAsync(IReadOnlyList<string> phones) => CreateContactsAsync(phones.Count, i => new
    {
        phone = phones[i],
        name = "Warga",
        consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1" },
    });

    /// <summary>Queues a <c>permit_ready</c> per phone, each due when <paramref name="dueAt"/> says; returns the ids in order.</summary>
    public async Task<Guid[]> EnqueueAsync(IReadOnlyList<string> phones, Func<int, DateTime> dueAt)
    {
        var ids = new Guid[phones.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, phones.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
            {
                Content = JsonContent.Create(new { type = "permit_ready", phone = phones[i], sendAt = dueAt(i), @params = Pipeline.PermitReadyParams }),
            };
            request.Headers.Add("Idempotency-Key", $"fault-{phones[i]}");
            using var response = await Api.SendAsync(request, ct);
            await Http.AssertStatusAsync(response, System.Net.HttpStatusCode.Accepted);
            ids[i] = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("id").GetGuid();
        });
        return ids;
    }

    public async Task<NotificationResponse[]> ReadAllAsync(IReadOnlyList<Guid> ids)
    {
        var all = new NotificationResponse[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            all[i] = (await Api.GetFromJsonAsync<NotificationResponse>($"/api/notifications/{ids[i]}", KabarApp.Json, ct))!);
        return all;
    }

    /// <summary>Waits until every notice is in one of <paramref name="done"/>; returns them as they ended.</summary>
    public async Task<NotificationResponse[]> WaitForAllAsync(IReadOnlyList<Guid> ids, TimeSpan timeout, params NotificationState[] done)
    {
        var until = DateTime.UtcNow + timeout;
        var cheap = 0;
        while (true)
        {
            // Most of the wait the simulator's count says enough; read every notice only when it may be over.
            if (Simulator.Stats().Accepted >= ids.Count || ++cheap % 10 == 0 || DateTime.UtcNow >= until)
            {
                var all = await ReadAllAsync(ids);
                var open = all.Where(n => !done.Contains(n.State)).ToList();
                if (open.Count == 0)
                {
                    return all;
                }

                if (DateTime.UtcNow >= until)
                {
                    Assert.Fail($"{open.Count} of {ids.Count} notices did not settle within {timeout}; first: {JsonSerializer.Serialize(open[0], KabarApp.Json)}\n{Kabar.Output}");
                }
            }

            if (Kabar.HasExited)
            {
                Assert.Fail($"Kabar exited:\n{Kabar.Output}");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Each notice reached WhatsApp exactly once: one message in the simulator per person, carrying
    /// one of the notice's own attempts as callback data, and no callback data seen twice.
    /// </summary>
    public void AssertEachSentOnceOnWhatsApp(IReadOnlyList<NotificationResponse> notices, IReadOnlyList<string> phones)
    {
        var byPhone = Simulator.Messages(null).Where(m => m.Type == "template").GroupBy(m => m.To!).ToDictionary(g => g.Key, g => g.ToList());
        for (var i = 0; i < notices.Count; i++)
        {
            var n = notices[i];
            Assert.True(n.Channel == Channel.WhatsApp && n.FallbackReason is null,
                $"notice {n.Id} ended on {n.Channel} (fallback: {n.FallbackReason}, last error {n.LastErrorCode} {n.LastError})");
            var got = byPhone.GetValueOrDefault(phones[i]) ?? [];
            Assert.True(got.Count == 1, $"{phones[i]} got {got.Count} WhatsApp messages");
            Assert.Contains(n.Attempts, a => a.Id.ToString() == got[0].CallbackData);
        }

        Assert.Equal(0, Simulator.Stats().DuplicateCallbackData);
    }

    /// <summary>Every send request the simulator saw (taken or refused by a fault), oldest first.</summary>
    public DateTimeOffset[] RequestTimes() =>
        Simulator.Messages(null).Select(m => m.ReceivedAt)
            .Concat(Simulator.FaultHits().Where(h => h.Mode is not ("slow" or "status" or "hang")).Select(h => h.At))
            .Order().ToArray();

    /// <summary>The most sends the simulator took in any one-second window, as it counts them for its own limit.</summary>
    public int MaxInAnySecond() => Simulator.Stats().MaxAcceptedPerSecond.Values.DefaultIfEmpty(0).Max();

    /// <summary>
    /// Sends the simulator refused because Kabar went over the number's rate (130429 of its own,
    /// not of an injected fault) or the pair rate (131056): Meta would have refused them too.
    /// </summary>
    public void AssertNeverOverTheLimits()
    {
        var refused = Simulator.Stats().RefusedByCode;
        var injected = Simulator.FaultHits().Count(h => h.Code == 130429 && h.Mode == "sync");
        Assert.Equal(0, refused.GetValueOrDefault("130429") - injected);
        Assert.Equal(0, refused.GetValueOrDefault("131056"));
    }

    /// <summary>
    /// How the backlog went after <paramref name="from"/>: the first send taken, how many, and the
    /// sustained rate (sends in whole seconds from the first, per second — as the dispatch benchmark counts).
    /// </summary>
    public (DateTimeOffset? First, int Count, double? PerSecond) DrainAfter(DateTimeOffset from)
    {
        var times = Simulator.Messages(null).Select(m => m.ReceivedAt).Where(t => t >= from).Order().ToArray();
        var seconds = times.Length < 2 ? 0 : (int)(times[^1] - times[0]).TotalSeconds;
        if (seconds == 0)
        {
            return (times.FirstOrDefault(), times.Length, null);
        }

        var cutoff = times[0] + TimeSpan.FromSeconds(seconds);
        return (times[0], times.Length, (double)times.Count(t => t < cutoff) / seconds);
    }

    public static string[] Phones(int scenario, int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"+628139{scenario}{i:D6}")).ToArray();
}
