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

    /// <summary>
    /// A WhatsApp try's reserved time to leave (its slot in the number's rate). Past the number's
    /// <see cref="SenderNumber.ReleasedUntil"/> it had not left when its process stopped.
    /// </summary>
    public DateTime? LeavesAt { get; set; }

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
