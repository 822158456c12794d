namespace Kabar.Campaigns;

/// <summary>Office-zone times of day, <c>HH:mm</c>.</summary>
/// <param name="From">The first time of day requests may go out, <c>HH:mm</c> office time, for example <c>09:00</c>.</param>
/// <param name="Until">The time of day after which none go out, <c>HH:mm</c> office time, after <c>from</c>, for example <c>17:00</c>.</param>
public sealed record SendingHoursRequest(string? From, string? Until);
