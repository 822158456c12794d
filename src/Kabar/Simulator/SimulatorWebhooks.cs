using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Simulator;

/// <summary>Marks the standalone simulator process, which posts webhooks only to a configured URL.</summary>
internal sealed record SimulatorStandalone;

/// <summary>One webhook update waiting to be posted.</summary>
internal sealed record WebhookItem(string Field, string? PhoneNumberId, JsonObject Payload, SimMessage? Message = null,
    string? Status = null, int? ErrorCode = null, bool Duplicate = false);

/// <summary>
/// Posts the simulator's webhooks like Meta: signed, batched (up to <c>WebhookBatchSize</c>
/// updates due in the same short interval share one POST), concurrently, and retried with
/// backoff on anything but 200. Time comes from <see cref="TimeProvider"/>, so tests drive it
/// with a fake clock and wait with <see cref="WhenIdleAsync"/>.
/// </summary>
public sealed partial class SimulatorWebhooks : IDisposable
{
    public const string HttpClientName = "simulator-webhooks";
    private static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private readonly PriorityQueue<Entry, long> queue = new();
    private readonly SimulatorOptions options;
    private readonly IOptions<WhatsAppOptions> whatsApp;
    private readonly TimeProvider time;
    private readonly IHttpClientFactory httpClients;
    private readonly IServiceProvider services;
    private readonly ILogger<SimulatorWebhooks> logger;
    private readonly ITimer timer;
    private long timerDueTicks = long.MaxValue;
    private long sequence;
    private int busy;
    private TaskCompletionSource? idle;
    private long posts;
    private long refused;
    private long abandoned;

    public SimulatorWebhooks(IOptions<SimulatorOptions> options, IOptions<WhatsAppOptions> whatsApp, TimeProvider time,
        IHttpClientFactory httpClients, IServiceProvider services, ILogger<SimulatorWebhooks> logger)
    {
        this.options = options.Value;
        this.whatsApp = whatsApp;
        this.time = time;
        this.httpClients = httpClients;
        this.services = services;
        this.logger = logger;
        timer = time.CreateTimer(_ => Pump(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private sealed record Entry(WebhookItem? Item, byte[]? Body, int Attempt);

    internal (long Posts, long Refused, long Abandoned) Counters =>
        (Interlocked.Read(ref posts), Interlocked.Read(ref refused), Interlocked.Read(ref abandoned));

    /// <summary>Queues an update for <paramref name="due"/>, rounded up to the batching interval.</summary>
    internal void Schedule(WebhookItem item, DateTimeOffset due) => Enqueue(new Entry(item, null, 0), due);

    /// <summary>Completes when no webhook is due and none is being posted (later ones may still wait).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            if (IsIdle())
            {
                return Task.CompletedTask;
            }

            idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return idle.Task;
        }
    }

    internal void Clear()
    {
        lock (gate)
        {
            queue.Clear();
            CompleteIfIdle();
        }
    }

    private void Enqueue(Entry entry, DateTimeOffset due)
    {
        var interval = options.WebhookBatchInterval.Ticks;
        var ticks = (due.UtcTicks + interval - 1) / interval * interval;
        var now = time.GetUtcNow().UtcTicks;
        lock (gate)
        {
            queue.Enqueue(entry, ticks);
            if (ticks > now && ticks < timerDueTicks)
            {
                Arm(ticks, now);
            }
        }

        if (ticks <= now)
        {
            Pump();
        }
    }

    private void Arm(long ticks, long now)
    {
        timerDueTicks = ticks;
        timer.Change(TimeSpan.FromTicks(Math.Max(1, ticks - now)), Timeout.InfiniteTimeSpan);
    }

    private void Pump()
    {
        List<Entry> due = [];
        lock (gate)
        {
            var now = time.GetUtcNow().UtcTicks;
            while (queue.TryPeek(out _, out var at) && at <= now)
            {
                due.Add(queue.Dequeue());
            }

            timerDueTicks = long.MaxValue;
            if (queue.TryPeek(out _, out var next))
            {
                Arm(next, now);
            }

            busy++;
        }

        try
        {
            var at = time.GetUtcNow();
            foreach (var retry in due.Where(e => e.Body is not null))
            {
                Start(retry.Body!, retry.Attempt);
            }

            foreach (var batch in due.Where(e => e.Item is not null).Select(e => e.Item!).Chunk(options.WebhookBatchSize))
            {
                foreach (var item in batch.Where(i => i.Message is not null && i.Status is not null))
                {
                    item.Message!.Record(new SimStatus(item.Status!, at, item.ErrorCode, Lost: false, item.Duplicate));
                }

                Start(Envelope(batch, at), 0);
            }
        }
        finally
        {
            lock (gate)
            {
                busy--;
                CompleteIfIdle();
            }
        }
    }

    private void Start(byte[] body, int attempt)
    {
        lock (gate)
        {
            busy++;
        }

        _ = Task.Run(() => PostAsync(body, attempt));
    }

    private async Task PostAsync(byte[] body, int attempt)
    {
        try
        {
            var (url, secret) = await TargetAsync();
            if (url is null)
            {
                return;
            }

            var ok = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                if (secret is not null)
                {
                    request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(body, secret));
                }

                // Meta's servers give up on a post by the wall clock, whatever Kabar's clock says
                // (a test's fake clock included): a post never waits forever.
                using var timeout = new CancellationTokenSource(PostTimeout);
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
                ok = response.StatusCode == System.Net.HttpStatusCode.OK;
                if (!ok)
                {
                    LogRefused(logger, (int)response.StatusCode, attempt + 1);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                LogPostFailed(logger, ex.GetType().Name, attempt + 1);
            }

            Interlocked.Increment(ref posts);
            if (ok)
            {
                return;
            }

            Interlocked.Increment(ref refused);
            if (attempt + 1 >= options.WebhookMaxAttempts)
            {
                Interlocked.Increment(ref abandoned);
                LogAbandoned(logger, attempt + 1);
                return;
            }

            // Meta keeps retrying with growing gaps; the simulator does the same, bounded.
            var delay = options.WebhookRetryDelay * Math.Pow(2, Math.Min(attempt, 16));
            Enqueue(new Entry(null, body, attempt + 1), time.GetUtcNow() + delay);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPostFailed(logger, ex.GetType().Name, attempt + 1);
        }
        finally
        {
            lock (gate)
            {
                busy--;
                CompleteIfIdle();
            }
        }
    }

    private async Task<(string? Url, string? Secret)> TargetAsync()
    {
        var url = string.IsNullOrWhiteSpace(options.WebhookUrl) ? null : options.WebhookUrl;
        var secret = string.IsNullOrWhiteSpace(options.AppSecret) ? null : options.AppSecret;
        if (services.GetService<SimulatorStandalone>() is not null)
        {
            return (url, secret);
        }

        url ??= services.GetRequiredService<GraphApiEndpoint>().Self + "/webhooks/whatsapp";
        if (secret is null && services.GetService<WebhookSecrets>() is { } secrets)
        {
            secret = await secrets.GetAppSecretAsync(CancellationToken.None);
        }

        return (url, secret);
    }

    private byte[] Envelope(IReadOnlyList<WebhookItem> items, DateTimeOffset at)
    {
        var changes = new JsonArray();
        foreach (var group in items.Where(i => i.Status is not null).GroupBy(i => i.PhoneNumberId))
        {
            changes.Add(Change("messages", new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["metadata"] = Metadata(group.Key),
                ["statuses"] = new JsonArray(group.Select(i => (JsonNode)i.Payload).ToArray()),
            }));
        }

        foreach (var item in items.Where(i => i.Status is null))
        {
            changes.Add(Change(item.Field, item.Payload));
        }

        var body = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = whatsApp.Value.EffectiveWabaId,
                ["time"] = at.ToUnixTimeSeconds(),
                ["changes"] = changes,
            }),
        };
        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static JsonObject Change(string field, JsonObject value) => new() { ["field"] = field, ["value"] = value };

    internal JsonObject Metadata(string? phoneNumberId)
    {
        var number = whatsApp.Value.EffectiveNumbers.FirstOrDefault(n => n.PhoneNumberId == phoneNumberId)
            ?? WhatsAppOptions.SandboxNumber;
        return new JsonObject
        {
            ["display_phone_number"] = number.DisplayPhoneNumber ?? WhatsAppOptions.SandboxNumber.DisplayPhoneNumber,
            ["phone_number_id"] = phoneNumberId ?? number.PhoneNumberId,
        };
    }

    private bool IsIdle() =>
        busy == 0 && !(queue.TryPeek(out _, out var at) && at <= time.GetUtcNow().UtcTicks);

    private void CompleteIfIdle()
    {
        if (idle is not null && IsIdle())
        {
            idle.TrySetResult();
            idle = null;
        }
    }

    internal long NextSequence() => Interlocked.Increment(ref sequence);

    public void Dispose() => timer.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulator webhook refused with HTTP {Status} (try {Attempt})")]
    private static partial void LogRefused(ILogger logger, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulator webhook post failed: {Error} (try {Attempt})")]
    private static partial void LogPostFailed(ILogger logger, string error, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator webhook abandoned after {Attempts} tries")]
    private static partial void LogAbandoned(ILogger logger, int attempts);
}
