using System.Text.Json.Serialization;

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
/// the dispatcher under a lease.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }

    /// <summary>A notification type of SPEC §5 (<c>permit_ready</c>…) or a keyword confirmation.</summary>
    public string Type { get; set; } = "";

    public Guid? ContactId { get; set; }
    public MessageKind Kind { get; set; }

    /// <summary>Named parameters as a JSON object.</summary>
    public string ParamsJson { get; set; } = "{}";

    /// <summary>The text of a free-form message (keyword confirmations).</summary>
    public string? Body { get; set; }

    /// <summary>Unique when set: the client's Idempotency-Key or a natural key (<c>keyword-reply:{wamid}</c>).</summary>
    public string? IdempotencyKey { get; set; }

    public NotificationState State { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
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
}
