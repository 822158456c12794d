namespace Kabar.Campaigns;

/// <summary>Who is asked: contacts with WhatsApp consent unknown, narrowed by these filters.</summary>
public sealed record SegmentRequest(string? PermitType, DateOnly? RegisteredFrom, DateOnly? RegisteredTo);
