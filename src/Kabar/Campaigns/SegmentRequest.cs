namespace Kabar.Campaigns;

/// <summary>Who is asked: contacts with WhatsApp consent unknown, narrowed by these filters.</summary>
/// <param name="PermitType">Only people with a permit of this type, in the office's words (at most 200 characters); leave it out for any.</param>
/// <param name="RegisteredFrom">Only contacts registered on or after this day, <c>YYYY-MM-DD</c> office time.</param>
/// <param name="RegisteredTo">Only contacts registered on or before this day, <c>YYYY-MM-DD</c> office time; not before <c>registeredFrom</c>.</param>
public sealed record SegmentRequest(string? PermitType, DateOnly? RegisteredFrom, DateOnly? RegisteredTo);
