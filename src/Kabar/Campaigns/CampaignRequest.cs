namespace Kabar.Campaigns;

/// <summary><c>POST /api/campaigns</c>.</summary>
public sealed record CampaignRequest(
    string? Name,
    SegmentRequest? Segment,
    string? Channel,
    int? DailyCap,
    SendingHoursRequest? SendingHours,
    Guid? ExperimentId);
