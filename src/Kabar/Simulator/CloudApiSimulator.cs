using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Simulator;

/// <summary>
/// The state and rules of the simulated Cloud API (SPEC §7): validation and error codes as Meta
/// answers them, throughput and pair-rate limits, the customer service window, templates, and
/// the status webhooks that follow an accepted send. Thread-safe; all time from <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class CloudApiSimulator
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    // The sandbox runs for days; the record of what citizens wrote must not grow without end.
    private const int InboundCapacity = 10_000;

    // Likewise the arrival times of sends refused over the rate.
    private const int ThrottledKept = 10_000;

    private readonly SimulatorOptions options;
    private readonly IOptions<WhatsAppOptions> whatsApp;
    private readonly TimeProvider time;
    private readonly SimulatorWebhooks webhooks;
    private readonly ManagementUsage usage;
    private readonly Random? seeded;
    private readonly Lock faultsGate = new();
    private readonly List<Fault> faults = [];
    private readonly Queue<SimFaultHit> faultHits = new();
    private readonly HashSet<string> notOnWhatsApp;
    private ConcurrentDictionary<string, SimMessage> messages = new(StringComparer.Ordinal);
    private ConcurrentQueue<SimMessage> order = new();
    private ConcurrentDictionary<string, NumberState> numbers = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, DateTimeOffset> windows = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, byte> callbackData = new(StringComparer.Ordinal);
    private ConcurrentQueue<SimInbound> inbound = new();
    private ConcurrentDictionary<int, long> refusedByCode = new();
    private ConcurrentQueue<(string PhoneNumberId, DateTimeOffset At)> throttled = new();
    private List<SimTemplate> templates;
    private readonly TemplateCatalog catalog;
    private long accepted;
    private long duplicateCallbackData;

    private readonly string? token;

    public CloudApiSimulator(IOptions<SimulatorOptions> options, IOptions<WhatsAppOptions> whatsApp, TimeProvider time,
        SimulatorWebhooks webhooks, IServiceProvider services)
    {
        this.options = options.Value;
        // Built in, only the process's own sandbox token opens it; standalone, the configured one (or any).
        token = services.GetService<SimulatorStandalone>() is null
            ? services.GetRequiredService<SandboxToken>().Value
            : string.IsNullOrWhiteSpace(this.options.AccessToken) ? null : this.options.AccessToken;
        this.whatsApp = whatsApp;
        this.time = time;
        this.webhooks = webhooks;
        seeded = this.options.Seed is { } seed ? new Random(seed) : null;
        notOnWhatsApp = this.options.NotOnWhatsApp.Select(Digits).ToHashSet(StringComparer.Ordinal);
        catalog = services.GetService<TemplateCatalog>() ?? TemplateCatalog.Default;
        usage = new ManagementUsage(this.options.ManagementCallsPerHour, time);
        templates = StartingTemplates();
        subscribed = !this.options.NewAccount;
    }

    private sealed class Fault(FaultRequest request, DateTimeOffset? until)
    {
        public FaultRequest Request { get; } = request;
        public int Remaining { get; set; } = Math.Max(1, request.Times);

        /// <summary>Set for an outage (<see cref="FaultRequest.ForSeconds"/>): it applies until then, however many sends.</summary>
        public DateTimeOffset? Until { get; } = until;
    }

    private sealed class NumberState
    {
        /// <summary>When each accepted send arrived, in ticks, in order, over the last two seconds.</summary>
        public List<long> Accepted { get; } = [];
        public Dictionary<string, (double Tokens, long At)> Pairs { get; } = new(StringComparer.Ordinal);
        public int MaxInSecond { get; set; }
    }

    /// <summary>Completes when no webhook is due and none is being posted.</summary>
    public Task WhenIdleAsync() => webhooks.WhenIdleAsync();

    public IReadOnlyList<SimTemplate> Templates
    {
        get
        {
            lock (faultsGate)
            {
                return templates.ToArray();
            }
        }
    }


    /// <summary>A citizen writes: opens their window and posts a signed inbound <c>messages</c> webhook.</summary>
    public string Inbound(InboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var from = Digits(request.From);
        windows[from] = now;
        var wamid = NewWamid();
        var phoneNumberId = request.PhoneNumberId ?? whatsApp.Value.EffectiveNumbers[0].PhoneNumberId;

        // The sandbox phone shows the person's own messages in the chat, as their phone would.
        inbound.Enqueue(new SimInbound(wamid, from, request.Text, now));
        while (inbound.Count > InboundCapacity)
        {
            inbound.TryDequeue(out _);
        }

        webhooks.Schedule(new WebhookItem("messages", phoneNumberId, new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = webhooks.Metadata(phoneNumberId),
            ["contacts"] = new JsonArray(new JsonObject
            {
                ["profile"] = new JsonObject { ["name"] = request.Name ?? "Warga" },
                ["wa_id"] = from,
            }),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = from,
                ["id"] = wamid,
                ["timestamp"] = Unix(now),
                ["type"] = "text",
                ["text"] = new JsonObject { ["body"] = request.Text },
            }),
        }), now);
        return wamid;
    }

    /// <summary>The simulator's clock, for answers it delays.</summary>
    public TimeProvider Time => time;

    internal void AddFault(FaultRequest fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var until = fault.ForSeconds is { } seconds ? time.GetUtcNow() + TimeSpan.FromSeconds(seconds) : (DateTimeOffset?)null;
        lock (faultsGate)
        {
            faults.Add(new Fault(fault, until));
        }
    }

    /// <summary>Ends every fault at once (the outage is over, the account fixed).</summary>
    public void ClearFaults()
    {
        lock (faultsGate)
        {
            faults.Clear();
        }
    }

    /// <summary>Every send a fault applied to, oldest first.</summary>
    internal IReadOnlyList<SimFaultHit> FaultHits()
    {
        lock (faultsGate)
        {
            return faultHits.ToArray();
        }
    }

    public IReadOnlyList<SimMessage> Messages(string? to)
    {
        var digits = to is null ? null : Digits(to);
        return order.Where(m => digits is null || (m.To is not null && Digits(m.To) == digits) || m.RecipientUserId == to).ToList();
    }

    /// <summary>What the person with this number wrote to the business, oldest first.</summary>
    public IReadOnlyList<SimInbound> Sent(string from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var digits = Digits(from);
        return inbound.Where(m => m.From == digits).ToList();
    }

    public SimMessage? Find(string wamid) => messages.GetValueOrDefault(wamid);

    /// <summary>
    /// When the sends refused with 130429 (over their number's rate) arrived, oldest first, the
    /// last <see cref="ThrottledKept"/> of them: the benchmark sets each beside the pauses of the
    /// simulator's own process (docs/benchmarks.md).
    /// </summary>
    internal IReadOnlyList<(string PhoneNumberId, DateTimeOffset At)> ThrottledArrivals => [.. throttled];

    internal SimulatorStats Stats()
    {
        var (posts, refusedPosts, abandoned) = webhooks.Counters;
        return new SimulatorStats(
            Interlocked.Read(ref accepted),
            refusedByCode.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
            numbers.ToDictionary(p => p.Key, p =>
            {
                lock (p.Value)
                {
                    return p.Value.MaxInSecond;
                }
            }),
            Interlocked.Read(ref duplicateCallbackData),
            posts,
            refusedPosts,
            abandoned);
    }

    /// <summary>
    /// Forgets messages, faults, windows, limits, pending webhooks and reviews; the account back to how
    /// it started (<see cref="SimulatorOptions.NewAccount"/>: empty and unsubscribed, else the catalog approved).
    /// </summary>
    public void Reset()
    {
        StopReviews();
        lock (faultsGate)
        {
            faults.Clear();
            faultHits.Clear();
            templates = StartingTemplates();
        }

        ResetAccount();

        messages = new(StringComparer.Ordinal);
        order = new();
        numbers = new(StringComparer.Ordinal);
        windows = new(StringComparer.Ordinal);
        callbackData = new(StringComparer.Ordinal);
        inbound = new();
        refusedByCode = new();
        throttled = new();
        Interlocked.Exchange(ref accepted, 0);
        Interlocked.Exchange(ref duplicateCallbackData, 0);
        webhooks.Clear();
    }


    /// <summary>
    /// A bearer token this simulator accepts: its one token when it has one, else any. Meta answers
    /// every other token with 190 (HTTP 401) and nothing else, whatever the rest of the request.
    /// </summary>
    public bool Authorized(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization.AsSpan(7).Trim() is { Length: > 0 } given
        && (token is null || System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given.ToString()), System.Text.Encoding.UTF8.GetBytes(token)));

    private static GraphError InvalidParameter(string details) => new(100, 400, "(#100) Invalid parameter", details);

    internal static GraphError Error(int code, TimeSpan? retryAfter)
    {
        var status = code switch
        {
            190 or 0 => 401,
            130429 => 429,
            132001 => 404,
            1 or 131000 => 500,
            2 or 131016 => 503,
            _ => 400,
        };
        var title = Title(code);
        return new GraphError(code, status, $"(#{code.ToString(CultureInfo.InvariantCulture)}) {title}", title, retryAfter);
    }

    private static string Title(int code) => code switch
    {
        190 => "Access token has expired",
        100 => "Invalid parameter",
        130429 => "Rate limit hit",
        131000 => "Something went wrong",
        131016 => "Service unavailable",
        131026 => "Message undeliverable",
        131047 => "Re-engagement message",
        131049 => "This message was not delivered to maintain healthy ecosystem engagement.",
        131050 => "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
        131056 => "(Business Account, Consumer Account) pair rate limit hit",
        132000 => "Number of parameters does not match the expected number of params",
        132001 => "Template name does not exist in the translation",
        132015 => "Template is Paused",
        132016 => "Template is Disabled",
        _ => "Simulated error",
    };

    private double NextDouble()
    {
        if (seeded is null)
        {
            return Random.Shared.NextDouble();
        }

        lock (seeded)
        {
            return seeded.NextDouble();
        }
    }

    private string NewWamid() =>
        "wamid.SIM" + webhooks.NextSequence().ToString("X8", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N").ToUpperInvariant();

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    internal static string Digits(string value) => value.StartsWith('+') ? value[1..] : value;

}
