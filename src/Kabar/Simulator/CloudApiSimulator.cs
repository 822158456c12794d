using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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
public sealed class CloudApiSimulator
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    // The sandbox runs for days; the record of what citizens wrote must not grow without end.
    private const int InboundCapacity = 10_000;

    private readonly SimulatorOptions options;
    private readonly IOptions<WhatsAppOptions> whatsApp;
    private readonly TimeProvider time;
    private readonly SimulatorWebhooks webhooks;
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
    private List<SimTemplate> templates;
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
        templates = SeedTemplates();
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
        public Queue<long> Accepted { get; } = new();
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

    /// <summary><c>POST /{version}/{phone-number-id}/messages</c>.</summary>
    public SimSendResult Send(string phoneNumberId, string? authorization, JsonElement body)
    {
        if (!Authorized(authorization))
        {
            return Refuse(new GraphError(190, 401, "Invalid OAuth access token - Cannot parse access token", null));
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Refuse(InvalidParameter("The request body must be a JSON object."));
        }

        if (Str(body, "messaging_product") != "whatsapp")
        {
            return Refuse(InvalidParameter("The parameter messaging_product is required and must be 'whatsapp'."));
        }

        var to = Str(body, "to");
        var recipientUserId = Str(body, "recipient");
        if (string.IsNullOrWhiteSpace(to) && string.IsNullOrWhiteSpace(recipientUserId))
        {
            return Refuse(InvalidParameter("The parameter to is required."));
        }

        var type = Str(body, "type") ?? "text";
        string? templateName = null, language = null, text = null;
        List<string> parameters = [];
        SimTemplate? template = null;
        if (type == "template")
        {
            if (!body.TryGetProperty("template", out var t) || t.ValueKind != JsonValueKind.Object)
            {
                return Refuse(InvalidParameter("The parameter template is required."));
            }

            templateName = Str(t, "name");
            language = t.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.Object ? Str(l, "code") : null;
            if (string.IsNullOrWhiteSpace(templateName))
            {
                return Refuse(InvalidParameter("The parameter template['name'] is required."));
            }

            if (string.IsNullOrWhiteSpace(language))
            {
                return Refuse(InvalidParameter("The parameter template['language']['code'] is required."));
            }

            parameters = BodyParameters(t);
            template = FindTemplate(templateName, language);
            if (template is null || template.Status is not ("APPROVED" or "PAUSED" or "DISABLED"))
            {
                return Refuse(new GraphError(132001, 404, "(#132001) Template name does not exist in the translation",
                    $"template name ({templateName}) does not exist in {language}"));
            }

            if (template.Status == "PAUSED")
            {
                return Refuse(new GraphError(132015, 400, "(#132015) Template is Paused",
                    $"Template {templateName} is paused because of low quality; it cannot be sent."));
            }

            if (template.Status == "DISABLED")
            {
                return Refuse(new GraphError(132016, 400, "(#132016) Template is Disabled",
                    $"Template {templateName} was disabled because of low quality; it cannot be sent."));
            }

            if (parameters.Count != template.ParameterCount)
            {
                return Refuse(new GraphError(132000, 400, "(#132000) Number of parameters does not match the expected number of params",
                    $"body: number of localizable_params ({parameters.Count}) does not match the expected number of params ({template.ParameterCount})"));
            }
        }
        else if (type == "text")
        {
            text = body.TryGetProperty("text", out var tx) && tx.ValueKind == JsonValueKind.Object ? Str(tx, "body") : null;
            if (string.IsNullOrEmpty(text))
            {
                return Refuse(InvalidParameter("The parameter text['body'] is required."));
            }
        }

        var fault = TakeFault(to);
        var delay = fault?.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        switch (fault?.Mode)
        {
            case "sync":
                return Refuse(Error(fault.Code, fault.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null)) with { Delay = delay };
            case "timeout":
                return new SimSendResult(null, null, Unanswered: true, Delay: fault.DelayMs is null ? TimeSpan.FromMinutes(2) : delay);
            case "slow" when fault.DelayMs is null:
                delay = TimeSpan.FromSeconds(2);
                break;
        }

        var now = time.GetUtcNow();
        var limit = RateCheck(phoneNumberId, Digits(to ?? recipientUserId!), now);
        if (limit is not null)
        {
            return Refuse(limit);
        }

        var message = new SimMessage
        {
            Id = NewWamid(),
            PhoneNumberId = phoneNumberId,
            To = to,
            RecipientUserId = string.IsNullOrWhiteSpace(to) ? recipientUserId : null,
            Type = type,
            TemplateName = templateName,
            TemplateLanguage = language,
            Parameters = parameters,
            Text = text,
            CallbackData = Str(body, "biz_opaque_callback_data"),
            ReceivedAt = now,
        };
        messages[message.Id] = message;
        order.Enqueue(message);
        Interlocked.Increment(ref accepted);
        if (message.CallbackData is { Length: > 0 } cb && !callbackData.TryAdd(cb, 0))
        {
            Interlocked.Increment(ref duplicateCallbackData);
        }

        ScheduleStatuses(message, template, fault, now);
        return new SimSendResult(null, message, Hang: fault is { Mode: "hang" }, Delay: fault is { Mode: "slow" } ? delay : TimeSpan.Zero);
    }

    /// <summary>A page of templates: <paramref name="after"/> is the cursor of the previous page.</summary>
    public (IReadOnlyList<SimTemplate> Page, string? After) GetTemplates(int limit, string? after)
    {
        var all = Templates;
        var start = 0;
        if (after is not null && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            start = Math.Clamp(index, 0, all.Count);
        }

        var page = all.Skip(start).Take(Math.Min(limit, options.MaxTemplatesPerPage)).ToList();
        var end = start + page.Count;
        return (page, end < all.Count ? end.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Changes a template's status and posts <c>message_template_status_update</c>; false when it does not exist.</summary>
    public bool SetTemplateStatus(string name, string language, string status)
    {
        var template = FindTemplate(name, language);
        if (template is null)
        {
            return false;
        }

        status = status.ToUpperInvariant();
        lock (faultsGate)
        {
            template.Status = status;
        }

        var @event = status == "APPROVED" ? "REINSTATED" : status;
        webhooks.Schedule(new WebhookItem("message_template_status_update", null, new JsonObject
        {
            ["event"] = @event,
            ["message_template_id"] = long.Parse(template.Id, CultureInfo.InvariantCulture),
            ["message_template_name"] = template.Name,
            ["message_template_language"] = template.Language,
            ["reason"] = "NONE",
            ["message_template_category"] = template.Category,
        }), time.GetUtcNow());
        return true;
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

    public void AddFault(FaultRequest fault)
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
    public IReadOnlyList<SimFaultHit> FaultHits()
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

    public SimulatorStats Stats()
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

    /// <summary>Forgets messages, faults, windows, limits and pending webhooks; templates back to approved.</summary>
    public void Reset()
    {
        lock (faultsGate)
        {
            faults.Clear();
            faultHits.Clear();
            templates = SeedTemplates();
        }

        messages = new(StringComparer.Ordinal);
        order = new();
        numbers = new(StringComparer.Ordinal);
        windows = new(StringComparer.Ordinal);
        callbackData = new(StringComparer.Ordinal);
        inbound = new();
        refusedByCode = new();
        Interlocked.Exchange(ref accepted, 0);
        Interlocked.Exchange(ref duplicateCallbackData, 0);
        webhooks.Clear();
    }

    private SimSendResult Refuse(GraphError error)
    {
        refusedByCode.AddOrUpdate(error.Code, 1, (_, n) => n + 1);
        return new SimSendResult(error, null);
    }

    private GraphError? RateCheck(string phoneNumberId, string recipient, DateTimeOffset now)
    {
        var mps = options.MessagesPerSecond
            ?? whatsApp.Value.EffectiveNumbers.FirstOrDefault(n => n.PhoneNumberId == phoneNumberId)?.MessagesPerSecond
            ?? 80;
        var state = numbers.GetOrAdd(phoneNumberId, _ => new NumberState());
        var nowTicks = now.UtcTicks;
        lock (state)
        {
            var windowStart = nowTicks - TimeSpan.TicksPerSecond;
            while (state.Accepted.TryPeek(out var first) && first <= windowStart)
            {
                state.Accepted.Dequeue();
            }

            if (state.Accepted.Count >= mps)
            {
                return Error(130429, null);
            }

            // Pair rate: a bucket of PairRateBurst tokens per recipient, refilled one per interval.
            var interval = options.PairRateInterval.Ticks;
            var (tokens, at) = state.Pairs.TryGetValue(recipient, out var pair) ? pair : (options.PairRateBurst, nowTicks);
            if (interval > 0)
            {
                tokens = Math.Min(options.PairRateBurst, tokens + (double)(nowTicks - at) / interval);
            }
            else
            {
                tokens = options.PairRateBurst;
            }

            if (tokens < 1)
            {
                state.Pairs[recipient] = (tokens, nowTicks);
                return Error(131056, null);
            }

            state.Pairs[recipient] = (tokens - 1, nowTicks);
            state.Accepted.Enqueue(nowTicks);
            state.MaxInSecond = Math.Max(state.MaxInSecond, state.Accepted.Count);
            return null;
        }
    }

    private void ScheduleStatuses(SimMessage message, SimTemplate? template, FaultRequest? fault, DateTimeOffset now)
    {
        var recipientDigits = message.To is null ? null : Digits(message.To);
        var windowOpen = recipientDigits is not null && windows.TryGetValue(recipientDigits, out var last) && now - last < Window;
        var sent = now + options.SentDelay;
        List<(string Status, DateTimeOffset At, int? Code)> events = [];
        if (recipientDigits is not null && notOnWhatsApp.Contains(recipientDigits))
        {
            // Meta accepts the send and reports the undeliverable number only by webhook.
            events.Add(("failed", sent, 131026));
        }
        else if (fault is { Mode: "status" })
        {
            events.Add(("failed", sent, fault.Code));
        }
        else if (template is null && options.EnforceWindow && !windowOpen)
        {
            // Free-form outside the customer service window: accepted, then failed by webhook.
            events.Add(("failed", sent, 131047));
        }
        else
        {
            var delivered = sent + options.DeliveredDelay;
            events.Add(("sent", sent, null));
            events.Add(("delivered", delivered, null));
            if (options.ReadDelay is { } read)
            {
                events.Add(("read", delivered + read, null));
            }
        }

        var postAt = events.Select(e => e.At).ToList();
        if (events.Count > 1 && NextDouble() < options.ReorderRate)
        {
            postAt.Reverse();
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (status, at, code) = events[i];
            if (NextDouble() < options.LossRate)
            {
                message.Record(new SimStatus(status, at, code, Lost: true, Duplicate: false));
                continue;
            }

            webhooks.Schedule(StatusItem(message, template, status, at, code, duplicate: false, windowOpen), postAt[i]);
            if (NextDouble() < options.DuplicateRate)
            {
                webhooks.Schedule(StatusItem(message, template, status, at, code, duplicate: true, windowOpen),
                    postAt[i] + options.WebhookBatchInterval);
            }
        }
    }

    private static WebhookItem StatusItem(SimMessage message, SimTemplate? template, string status, DateTimeOffset at,
        int? code, bool duplicate, bool windowOpen)
    {
        var payload = new JsonObject
        {
            ["id"] = message.Id,
            ["status"] = status,
            ["timestamp"] = Unix(at),
        };
        if (message.To is not null)
        {
            payload["recipient_id"] = Digits(message.To);
        }
        else
        {
            payload["recipient_user_id"] = message.RecipientUserId;
        }

        if (message.CallbackData is not null)
        {
            payload["biz_opaque_callback_data"] = message.CallbackData;
        }

        if (status is "sent" or "delivered")
        {
            var category = template?.Category.ToLowerInvariant() ?? "service";
            var free = template is null || (category == "utility" && windowOpen);
            payload["pricing"] = new JsonObject
            {
                ["billable"] = !free,
                ["pricing_model"] = "PMP",
                ["type"] = free ? "free_customer_service" : "regular",
                ["category"] = category,
            };
        }

        if (code is { } c)
        {
            var error = Error(c, null);
            payload["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = c,
                ["title"] = Title(c),
                ["message"] = Title(c),
                ["error_data"] = new JsonObject { ["details"] = error.Details },
                ["href"] = "/documentation/business-messaging/whatsapp/support/error-codes",
            });
        }

        return new WebhookItem("messages", message.PhoneNumberId, payload, message, status, code, duplicate);
    }

    private FaultRequest? TakeFault(string? to)
    {
        var now = time.GetUtcNow();
        lock (faultsGate)
        {
            faults.RemoveAll(f => f.Until <= now);
            var digits = to is null ? null : Digits(to);
            foreach (var fault in faults)
            {
                if (fault.Request.To is not null && (digits is null || Digits(fault.Request.To) != digits))
                {
                    continue;
                }

                if (fault.Request.Share is { } share && NextDouble() >= share)
                {
                    continue; // this send is one of those the fault spares
                }

                if (fault.Until is null && --fault.Remaining <= 0)
                {
                    faults.Remove(fault);
                }

                faultHits.Enqueue(new SimFaultHit(now, fault.Request.Code, fault.Request.Mode, to));
                if (faultHits.Count > InboundCapacity * 10)
                {
                    faultHits.Dequeue(); // a long outage in the sandbox must not grow the record without end
                }

                return fault.Request;
            }

            return null;
        }
    }

    private SimTemplate? FindTemplate(string name, string language)
    {
        lock (faultsGate)
        {
            return templates.FirstOrDefault(t => t.Name == name && t.Language == language);
        }
    }

    private static List<SimTemplate> SeedTemplates()
    {
        var list = new List<SimTemplate>();
        var id = 1_100_000_000_000_000L;
        foreach (var type in NotificationCatalog.All)
        {
            foreach (var language in new[] { "id", "en" })
            {
                var body = type.WhatsAppBody.For(language);
                list.Add(new SimTemplate
                {
                    Id = (++id).ToString(CultureInfo.InvariantCulture),
                    Name = type.Name,
                    Language = language,
                    Category = type.Category.ToString().ToUpperInvariant(),
                    BodyText = body,
                    ParameterCount = CloudApiClient.BodyParameterNames(body, "POSITIONAL").Count,
                });
            }
        }

        return list;
    }

    private static List<string> BodyParameters(JsonElement template)
    {
        var result = new List<string>();
        if (!template.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var component in components.EnumerateArray())
        {
            if (string.Equals(Str(component, "type"), "body", StringComparison.OrdinalIgnoreCase)
                && component.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Array)
            {
                result.AddRange(ps.EnumerateArray().Select(p => Str(p, "text") ?? ""));
            }
        }

        return result;
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

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
