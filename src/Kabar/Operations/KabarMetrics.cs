using System.Diagnostics.Metrics;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Decisions;

namespace Kabar.Operations;

/// <summary>
/// Every instrument of the <c>Kabar</c> meter, exported at <c>/metrics</c> (docs/operations.md).
/// The meter comes from the host's <see cref="IMeterFactory"/>, so each host (and each test
/// application) owns its own. The dispatcher calls in here for every send: counters and a
/// histogram with interned tag strings only, nothing else on the hot path.
/// </summary>
public sealed class KabarMetrics
{
    public const string MeterName = "Kabar";

    /// <summary>Where a decision was taken: stored with a new notification, re-taken at claim time, or asked for as a dry run.</summary>
    public const string AtEnqueue = "enqueue";
    public const string AtDispatch = "dispatch";
    public const string AtDryRun = "dry_run";

    private readonly Counter<long> sends;
    private readonly Counter<long> decisions;
    private readonly Counter<long> webhookEvents;
    private readonly Counter<long> webhookRequests;
    private readonly Histogram<double> sendLatency;

    public KabarMetrics(IMeterFactory meters, QueueSnapshot queue)
    {
        var meter = meters.Create(MeterName);
        sends = meter.CreateCounter<long>("kabar.sends", description:
            "Sends that got an answer, by channel and outcome (accepted by the provider, failed, or unknown: no answer).");
        decisions = meter.CreateCounter<long>("kabar.decisions", description:
            "Channel decisions of SPEC section 5, by reason, chosen channel and stage (enqueue, dispatch, dry_run).");
        webhookEvents = meter.CreateCounter<long>("kabar.webhook.events", description:
            "Items in WhatsApp webhook posts, by kind and by what became of the post that carried them.");
        webhookRequests = meter.CreateCounter<long>("kabar.webhook.requests", description:
            "WhatsApp webhook posts, by outcome (accepted, bad_signature, not_configured, too_large, bad_json, ignored, failed).");
        sendLatency = meter.CreateHistogram<double>("kabar.send.latency", unit: "s",
            description: "From the moment a notification was due to the provider accepting it, by channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });

        // Read from a cached snapshot that QueueGaugeWorker refreshes: a scrape never queries the database.
        meter.CreateObservableGauge("kabar.queue.depth", () => queue.Depth(),
            description: "Notifications waiting, by state (queued, scheduled), as of the last refresh.");
        meter.CreateObservableGauge("kabar.queue.oldest_age", () => queue.OldestAge(), unit: "s",
            description: "How long the longest-due notification has been due without going out, by state; 0 when none is due.");
    }

    public void Send(Channel channel, SendOutcome outcome) =>
        sends.Add(1, new KeyValuePair<string, object?>("channel", EnumText<Channel>.Name(channel)),
            new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    public void Accepted(Channel channel, TimeSpan sinceDue) =>
        sendLatency.Record(Math.Max(0, sinceDue.TotalSeconds), new KeyValuePair<string, object?>("channel", EnumText<Channel>.Name(channel)));

    public void Decided(Decision decision, string stage) =>
        decisions.Add(1, new KeyValuePair<string, object?>("reason", EnumText<DecisionReason>.Name(decision.Reason)),
            new KeyValuePair<string, object?>("channel", EnumText<Channel>.Name(decision.Channel)),
            new KeyValuePair<string, object?>("stage", stage));

    public void WebhookRequest(string outcome) =>
        webhookRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void WebhookEvents(string kind, string outcome, int count)
    {
        if (count > 0)
        {
            webhookEvents.Add(count, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static string OutcomeName(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted => "accepted",
        SendOutcome.Failed => "failed",
        _ => "unknown",
    };
}
