using System.ComponentModel.DataAnnotations;

namespace Kabar.Simulator;

/// <summary><c>Kabar:Simulator</c>: the built-in Cloud API simulator (SPEC §7).</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Kabar:Simulator";

    /// <summary>Null: on exactly when Kabar runs in sandbox mode (no WhatsApp access token).</summary>
    public bool? Enabled { get; set; }

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SentDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>After <c>sent</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DeliveredDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After <c>delivered</c>; null: the citizen never reads.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan? ReadDelay { get; set; }

    /// <summary>Share of status webhooks never posted.</summary>
    [Range(0.0, 1.0)]
    public double LossRate { get; set; }

    /// <summary>Share of status webhooks posted twice.</summary>
    [Range(0.0, 1.0)]
    public double DuplicateRate { get; set; }

    /// <summary>Share of messages whose statuses are posted in reverse order.</summary>
    [Range(0.0, 1.0)]
    public double ReorderRate { get; set; }

    /// <summary>A seed for loss, duplication and reordering, for reproducible runs.</summary>
    public int? Seed { get; set; }

    /// <summary>E.164 numbers that are not on WhatsApp: sends are accepted, then fail with 131026.</summary>
    public string[] NotOnWhatsApp { get; set; } = ["+6281299990000"];

    /// <summary>Per business number; null: the number's <c>MessagesPerSecond</c> from <c>Kabar:WhatsApp</c>, else 80.</summary>
    [Range(1, 100_000)]
    public int? MessagesPerSecond { get; set; }

    /// <summary>
    /// How long a send takes to be answered after it arrived (Meta answers from Indonesia in a few
    /// hundred milliseconds); the number's rate is counted at arrival, before this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SendLatency { get; set; }

    /// <summary>Each answer's latency is <see cref="SendLatency"/> plus or minus up to this, evenly spread.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SendLatencyJitter { get; set; }

    /// <summary>Messages to one person that may be sent at once before the pair rate applies.</summary>
    [Range(1, 1000)]
    public int PairRateBurst { get; set; } = 45;

    /// <summary>The pair rate: one message to the same person per this interval.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PairRateInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Free-form text to someone who has not written through the simulator within 24 h fails with 131047.</summary>
    public bool EnforceWindow { get; set; } = true;

    /// <summary>Where webhooks go; empty in-process: this server's <c>/webhooks/whatsapp</c>.</summary>
    [Url]
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// The standalone simulator's one valid access token; empty: any bearer token (a test tool on
    /// loopback). The built-in simulator ignores it and accepts only its process's sandbox token.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>The secret that signs webhooks; empty in-process: Kabar's own app secret.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The most templates one <c>message_templates</c> page holds, whatever <c>limit</c> asks.</summary>
    [Range(1, 1000)]
    public int MaxTemplatesPerPage { get; set; } = 1000;

    [Range(1, 1000)]
    public int WebhookBatchSize { get; set; } = 100;

    /// <summary>Statuses due within the same interval go out in one POST.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan WebhookBatchInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Meta retries a refused webhook for days; the simulator gives up after this many tries.</summary>
    [Range(1, 50)]
    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>The first retry delay, doubled on every further try.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True: the business account starts as a brand-new one (no templates, no app subscribed to its
    /// webhooks), so <c>kabar whatsapp check</c> and <c>templates submit</c> have work to do. False
    /// (the sandbox): the catalog's templates seeded APPROVED and the app subscribed.
    /// </summary>
    public bool NewAccount { get; set; }

    /// <summary>The number's <c>verified_name</c> (its approved display name), and the account's <c>name</c>.</summary>
    [Required]
    public string VerifiedName { get; set; } = "Dinas Penanaman Modal dan PTSP";

    /// <summary>The app that <c>subscribed_apps</c> lists and subscribes: Meta's numeric app id and its name.</summary>
    [RegularExpression("^[0-9]{1,20}$")]
    public string AppId { get; set; } = "900000000000099";

    [Required]
    public string AppName { get; set; } = "Kabar";

    /// <summary>How long a submitted template stays PENDING before it is APPROVED (and the webhook posted).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan TemplateReviewDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The hourly budget of management calls (number and account reads, <c>subscribed_apps</c>,
    /// <c>message_templates</c>) per business account; Meta's default for a new account is 200.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ManagementCallsPerHour { get; set; } = 200;
}
