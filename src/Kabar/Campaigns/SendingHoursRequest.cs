namespace Kabar.Campaigns;

/// <summary>Office-zone times of day, <c>HH:mm</c>.</summary>
public sealed record SendingHoursRequest(string? From, string? Until);
