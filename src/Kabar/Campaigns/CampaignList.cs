namespace Kabar.Campaigns;

internal sealed record CampaignList(IReadOnlyList<CampaignResponse> Items);
