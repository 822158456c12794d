using System.ComponentModel.DataAnnotations;

namespace Kabar.Notifications;

/// <summary><c>Kabar:Notifications</c>: the queue, the dispatcher and the fallback rules (SPEC §5, §6).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Kabar:Notifications";

    /// <summary>Run the dispatcher in this process (several processes may share one PostgreSQL).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>Apply stored WhatsApp statuses in this process.</summary>
    public bool StatusWorkerEnabled { get; set; } = true;

    /// <summary>Notifications claimed per pass and business number.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>
    /// Sends in flight at once per business number. At least a pass's worth: a number sending
    /// 1,000 messages a second to an API 200 ms away has about 200 requests in flight, and a
    /// pass that went in two waves waited a round trip longer for its answers (docs/benchmarks.md).
    /// </summary>
    [Range(1, 2000)]
    public int MaxConcurrentSends { get; set; } = 256;

    /// <summary>
    /// Passes of one number under way at once: while one pass's sends wait a round trip for their
    /// answers, the next ones prepare and send the slots that free up. One: each pass waits for its
    /// answers before the next starts, and a number reaches at most a pass per round trip.
    /// </summary>
    [Range(1, 16)]
    public int PassesInFlight { get; set; } = 4;

    /// <summary>
    /// A pass may reserve send slots that free up this soon and prepare those sends in the
    /// database meanwhile; the sends still wait for their slot. Zero: only slots free now.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan SendLookahead { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// How much later than one another requests that leave evenly may be counted by Meta: the
    /// jitter of the network on the way there and of this process putting them on the wire. While
    /// every answer takes longer than this, as Meta's do, a send holds its slot for one second plus
    /// this after it left, so the rate at Meta holds in every second of arrivals whatever the round
    /// trip, and the number sends at up to 1 / (1 s + this) of its rate, 0.971 at 30 ms; against a
    /// quicker server until a second after its answer (docs/pipeline.md, "Limits"). 130429 refusals
    /// beyond a thousandth of a minute at the rate widen it for a while.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan ArrivalSpread { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// How far ahead of its WhatsApp sends a number's departure mark is written
    /// (<see cref="DepartureMark"/>): about once per lead, each write half a lead before the send
    /// that asks for it. After a crash the sends reserved past the mark go again at once; those
    /// within it, at most one and a half leads of sending, wait <see cref="UnknownOutcomeGrace"/>
    /// for a status. Shorter: fewer in doubt, more writes, and less time for each.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan DepartureMarkLead { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a claim holds a notification. A process that takes a business number over frees the
    /// previous holder's claims at once; this bounds a claim when nobody takes the number over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a process holds a business number's sending lease between renewals.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan SenderLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The dispatcher also polls this often (an in-process signal wakes it sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An attempt whose outcome is unknown waits this long for a status before it is retried (SPEC §6).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan UnknownOutcomeGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An essential WhatsApp notification not delivered by then falls back to SMS/e-mail.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>WhatsApp tries for transient errors before falling back.</summary>
    [Range(1, 20)]
    public int MaxWhatsAppTries { get; set; } = 5;

    /// <summary>SMS or e-mail tries for transient errors before giving up.</summary>
    [Range(1, 20)]
    public int MaxFallbackTries { get; set; } = 5;

    /// <summary>The first retry waits about this long; each further one doubles it, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Transient failures in a row (HTTP 5xx, throughput codes, timeouts) after which a provider is
    /// taken to be down: its sends are held, without spending anyone's tries, until a probe gets through.
    /// </summary>
    [Range(1, 10_000)]
    public int OutageFailures { get; set; } = 10;

    /// <summary>The first probe after a provider went down goes after this; each failed probe doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan OutageProbeMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between probes while a provider stays down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan OutageProbeMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Essential notices held by a WhatsApp outage this long go by SMS/e-mail; routine ones wait for WhatsApp.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan OutageFallbackAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Meta's pair rate: at most one message to the same person per this interval, no bursts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PairRateInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Routine types that are skipped instead of falling back to SMS/e-mail when WhatsApp is not allowed.</summary>
    public string[] SkipFallbackTypes { get; set; } = [];

    /// <summary>An opt-in link stays valid this long (SPEC §8).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "365.00:00:00")]
    public TimeSpan OptInLinkLifetime { get; set; } = TimeSpan.FromDays(14);
}
