using System.Text.Json.Serialization;
using Kabar.Data;
using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>Notification states of SPEC §13.</summary>
public enum NotificationState
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    [JsonStringEnumMemberName("sending")] Sending,
    [JsonStringEnumMemberName("sent")] Sent,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("read")] Read,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("skipped")] Skipped,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>Free-form text or an approved template (SPEC §5 rule 5).</summary>
public enum MessageKind
{
    [JsonStringEnumMemberName("template")] Template,
    [JsonStringEnumMemberName("text")] Text,
}

/// <summary>
/// One thing to tell one person: the durable queue row (SPEC §6). It is written in the same
/// transaction as its cause (an inbound STOP, a permit change, an API call) and claimed later by
/// the dispatcher under a lease (<see cref="LockedUntil"/>).
/// </summary>
public sealed class Notification : IVersioned
{
    public Guid Id { get; set; }

    /// <summary>A notification type of SPEC §5 (<c>permit_ready</c>…) or a keyword confirmation.</summary>
    public string Type { get; set; } = "";

    public Guid? ContactId { get; set; }
    public Guid? PermitId { get; set; }
    public MessageKind Kind { get; set; }
    public MessageCategory Category { get; set; }

    /// <summary>Essential notices always fall back and ignore quiet hours (SPEC §5).</summary>
    public bool Essential { get; set; }

    public LegalBasis Basis { get; set; }

    /// <summary>Named parameters as a JSON object.</summary>
    public string ParamsJson { get; set; } = "{}";

    /// <summary>The text of a free-form message (keyword confirmations).</summary>
    public string? Body { get; set; }

    /// <summary>Unique when set: <c>api:{client key}</c>, a campaign's <c>campaign:{campaign}:{contact}</c> (<see cref="Campaigns.CampaignRunner.AskKey"/>) or a natural key (<c>keyword-reply:{wamid}</c>).</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The longest <see cref="IdempotencyKey"/> the column holds.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The opt-in campaign that queued it; such a request's cooldown was reserved when it was queued.</summary>
    public Guid? CampaignId { get; set; }

    /// <summary>SHA-256 of the request that created it, so a reused key with another body is refused.</summary>
    public string? RequestHash { get; set; }

    public NotificationState State { get; set; }

    /// <summary>The channel that carries (or last carried) the notification.</summary>
    public Channel Channel { get; set; } = Channel.None;

    /// <summary>The latest decision (SPEC §5) as JSON; the first one is returned by the API at enqueue.</summary>
    public string? DecisionJson { get; set; }

    /// <summary>The latest decision's reason (<c>opted_in</c>, <c>no_consent</c>…), for filtering the log.</summary>
    public string? Reason { get; set; }

    /// <summary>The business number whose dispatcher sends it.</summary>
    public string PhoneNumberId { get; set; } = "";

    public DateTime DueAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LockedBy { get; set; }

    /// <summary>The attempt whose outcome decides what happens next; older attempts are history.</summary>
    public Guid? CurrentAttemptId { get; set; }

    /// <summary>WhatsApp tries so far, for bounded retries of transient errors.</summary>
    public int WhatsAppTries { get; set; }

    /// <summary>SMS or e-mail tries so far.</summary>
    public int FallbackTries { get; set; }

    /// <summary>131056 hits so far: the next try waits 4^hits seconds.</summary>
    public int PairRateHits { get; set; }

    /// <summary>Set once WhatsApp is given up: the notification goes by SMS or e-mail.</summary>
    public string? FallbackReason { get; set; }

    /// <summary>Whether the fallback message carries a personal opt-in link (decision rule 8).</summary>
    public bool IncludeOptInLink { get; set; }

    /// <summary>An essential WhatsApp send not delivered by then falls back (SPEC §6).</summary>
    public DateTime? FallbackDueAt { get; set; }

    public int? LastErrorCode { get; set; }
    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>Kabar's own notification types, beside the office's types of SPEC §5.</summary>
public static class SystemNotificationTypes
{
    /// <summary>Answer to an opt-out keyword: says how to come back and that essential notices continue.</summary>
    public const string OptOutConfirmation = "opt_out_confirmation";

    /// <summary>Answer to a marketing-only opt-out keyword.</summary>
    public const string MarketingOptOutConfirmation = "marketing_opt_out_confirmation";

    /// <summary>Answer to an opt-in keyword.</summary>
    public const string OptInConfirmation = "opt_in_confirmation";

    /// <summary>
    /// An operator's free-form answer from the console's inbox. Unlike the confirmations it follows
    /// the decision table (reason <c>service_window</c>), so a STOP or a closed window stops it.
    /// </summary>
    public const string InboxReply = "inbox_reply";

    /// <summary>
    /// An operator's answer written after the person's window closed: it goes by SMS, or by e-mail
    /// when the person has no number SMS can reach. The operator chose the channel, so it starts as
    /// a fallback (its reason is the decision's, e.g. <c>window_closed</c>) and never tries WhatsApp.
    /// </summary>
    public const string InboxReplyOutsideWindow = "inbox_reply_outside_window";

    public static bool IsSystem(string type) =>
        type is OptOutConfirmation or MarketingOptOutConfirmation or OptInConfirmation;

    /// <summary>
    /// Answers to the person's own message. Quiet hours do not hold them back, since the person is
    /// waiting. Those written for WhatsApp go inside the window or not at all (a WhatsApp answer
    /// turned into an SMS behind the operator's back would confuse); an operator who wants an SMS
    /// or e-mail answer writes one (<see cref="InboxReplyOutsideWindow"/>).
    /// </summary>
    public static bool IsAnswer(string type) => IsSystem(type) || type is InboxReply or InboxReplyOutsideWindow;
}
