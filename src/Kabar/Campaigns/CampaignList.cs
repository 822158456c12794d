namespace Kabar.Campaigns;

/// <summary><c>GET /api/campaigns</c>: the campaigns, newest first.</summary>
/// <param name="Items">Up to 500 campaigns, newest first, without their progress (read one campaign for it).</param>
internal sealed record CampaignList(IReadOnlyList<CampaignResponse> Items);
