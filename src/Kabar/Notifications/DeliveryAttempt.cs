using System.Text.Json.Serialization;
using Kabar.Data;
using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>Attempt statuses of SPEC §13. Forward only: pending &lt; accepted &lt; sent &lt; delivered &lt; read; failed ends it.</summary>
public enum AttemptStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("sent")] Sent,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("read")] Read,
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>The request may have reached the provider but no answer was recorded (a crash or a timeout).</summary>
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>
/// One try to reach the person on one channel. Its id goes out as WhatsApp's
/// <c>biz_opaque_callback_data</c> and as the SMS gateway's <c>reference</c>, so a status can be
/// matched even when the provider's answer to the send was lost (SPEC §6). The row is committed
/// (as <c>pending</c>) before the request leaves.
/// </summary>
public sealed class DeliveryAttempt : IVersioned
{
    public Guid Id { get; set; }
    public Guid NotificationId { get; set; }
    public Guid? ContactId { get; set; }
    public Channel Channel { get; set; }
    public AttemptStatus Status { get; set; }

    /// <summary>The <c>wamid</c>, the SMS provider's id or the e-mail Message-Id.</summary>
    public string? ProviderMessageId { get; set; }

    public string? PhoneNumberId { get; set; }

    /// <summary>The template sent, for template attempts.</summary>
    public string? TemplateName { get; set; }

    public int? ErrorCode { get; set; }
    public string? Error { get; set; }

    /// <summary>Sent while the customer service window was open (window usage, SPEC §10).</summary>
    public bool WindowOpen { get; set; }

    /// <summary>The decision's reason when this WhatsApp try was made (<c>opted_in</c>, <c>service_window</c>…): the dashboard's window-only share.</summary>
    public string? Reason { get; set; }

    /// <summary>Business-initiated outside the window: one of the unique people of the messaging limit.</summary>
    public bool CountsAgainstLimit { get; set; }

    /// <summary>Charged when delivered (Meta's pricing webhook has the last word).</summary>
    public bool Billable { get; set; }

    public string? PricingCategory { get; set; }

    /// <summary>The outcome was unknown and a later attempt was made: a possible duplicate, recorded as such.</summary>
    public bool Ambiguous { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public static int Rank(AttemptStatus s) => s switch
    {
        AttemptStatus.Pending or AttemptStatus.Unknown => 0,
        AttemptStatus.Accepted => 1,
        AttemptStatus.Sent => 2,
        AttemptStatus.Delivered => 3,
        AttemptStatus.Read => 4,
        _ => 5,
    };
}

/// <summary>One status an attempt went through, with the time the provider gave.</summary>
public sealed class AttemptStatusChange
{
    public long Id { get; set; }
    public Guid AttemptId { get; set; }
    public AttemptStatus Status { get; set; }
    public DateTime At { get; set; }
    public int? ErrorCode { get; set; }
}

/// <summary>A WhatsApp template as Meta last reported it (sync and status webhooks).</summary>
public sealed class WhatsAppTemplate
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Language { get; set; } = "";
    public string? RemoteId { get; set; }

    /// <summary>APPROVED, PENDING, REJECTED, PAUSED, DISABLED…</summary>
    public string Status { get; set; } = "";

    public string? Category { get; set; }
    public string? ParameterFormat { get; set; }

    /// <summary>The body's parameter names ("1", "2"… for positional templates), comma-separated.</summary>
    public string? BodyParameters { get; set; }

    public DateTime SyncedAt { get; set; }

    /// <summary>Set when a send failed with a request or template error (SPEC §6): shown in the dashboard.</summary>
    public DateTime? FlaggedAt { get; set; }

    public int? FlagCode { get; set; }
}

/// <summary>
/// A business phone number's dispatch state, shared by every Kabar process: which process holds
/// the sending lease (one dispatcher per number, so the rate is kept together), and whether an
/// account-level error paused it.
/// </summary>
public sealed class SenderNumber
{
    public string PhoneNumberId { get; set; } = "";
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? PausedAt { get; set; }
    public int? PauseCode { get; set; }
    public string? PauseReason { get; set; }
}
