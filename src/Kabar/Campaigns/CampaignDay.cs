namespace Kabar.Campaigns;

public sealed record CampaignDay(DateOnly Date, long Asked, long Opened, long Confirmed);
