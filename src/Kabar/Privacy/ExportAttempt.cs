using Kabar.Notifications;

namespace Kabar.Privacy;

/// <summary>One try to reach the person on one channel, as stored.</summary>
/// <param name="Id">The attempt's id.</param>
/// <param name="Channel">The channel tried: <c>whatsapp</c>, <c>sms</c> or <c>email</c>.</param>
/// <param name="Status">The furthest status reached: pending, accepted, sent, delivered, read, failed or unknown.</param>
/// <param name="ProviderMessageId">WhatsApp's <c>wamid</c>, the SMS provider's id or the e-mail Message-Id.</param>
/// <param name="TemplateName">The WhatsApp template sent, for template attempts.</param>
/// <param name="ErrorCode">The provider's error code when it failed.</param>
/// <param name="Error">The error, in words.</param>
/// <param name="WindowOpen">Sent while the person's 24-hour customer service window was open.</param>
/// <param name="Reason">The decision's reason when the try was made (<c>opted_in</c>, <c>service_window</c>…).</param>
/// <param name="Billable">Whether WhatsApp charges the send when delivered.</param>
/// <param name="PricingCategory">WhatsApp's pricing category (<c>utility</c>, <c>marketing</c>…), when known.</param>
/// <param name="CreatedAt">When the attempt was made, ISO 8601 UTC.</param>
/// <param name="History">Each status reached, in lifecycle order.</param>
public sealed record ExportAttempt(Guid Id, Decisions.Channel Channel, AttemptStatus Status, string? ProviderMessageId, string? TemplateName,
    int? ErrorCode, string? Error, bool WindowOpen, string? Reason, bool Billable, string? PricingCategory, DateTime CreatedAt,
    IReadOnlyList<ExportStatus> History);
