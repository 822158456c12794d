using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>One try to reach the person on one channel.</summary>
/// <param name="Id">The attempt's id; it goes out as WhatsApp's <c>biz_opaque_callback_data</c> and the SMS gateway's <c>reference</c>.</param>
/// <param name="Channel">The channel tried.</param>
/// <param name="Status">The furthest status reached: pending, accepted, sent, delivered, read; failed ends it; unknown when the request may have left but no answer came.</param>
/// <param name="ProviderMessageId">WhatsApp's <c>wamid</c>, the SMS provider's id or the e-mail Message-Id.</param>
/// <param name="ErrorCode">The provider's error code when it failed (WhatsApp's <c>code</c>, e.g. 131026).</param>
/// <param name="Error">The error, in words.</param>
/// <param name="Ambiguous">The outcome was unknown and a later attempt was made: a possible duplicate, recorded as such.</param>
/// <param name="Billable">WhatsApp only: whether the send is charged when delivered; null on SMS and e-mail.</param>
/// <param name="CreatedAt">When the attempt was made (UTC).</param>
/// <param name="History">Each status reached, in lifecycle order.</param>
public sealed record AttemptResponse(
    Guid Id,
    Channel Channel,
    AttemptStatus Status,
    string? ProviderMessageId,
    int? ErrorCode,
    string? Error,
    bool Ambiguous,
    bool? Billable,
    DateTime CreatedAt,
    IReadOnlyList<StatusStep> History);
