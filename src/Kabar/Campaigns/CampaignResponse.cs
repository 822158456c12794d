namespace Kabar.Campaigns;

public sealed record CampaignResponse(
    Guid Id,
    string Name,
    string State,
    SegmentRequest Segment,
    string Channel,
    int DailyCap,
    SendingHoursRequest SendingHours,
    Guid? ExperimentId,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt,
    CampaignProgress? Progress);
