namespace Kabar.Campaigns;

/// <summary>One day of a campaign, in the office's time zone: the people asked that day and what they did since.</summary>
/// <param name="Date">The day, <c>YYYY-MM-DD</c> in the office's time zone.</param>
/// <param name="Asked">People asked that day (requests sent and counted).</param>
/// <param name="Opened">Of those, how many opened their opt-in link.</param>
/// <param name="Confirmed">Of those, how many granted WhatsApp consent within the attribution window.</param>
public sealed record CampaignDay(DateOnly Date, long Asked, long Opened, long Confirmed);
