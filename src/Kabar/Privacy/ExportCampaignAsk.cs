namespace Kabar.Privacy;

/// <summary>An opt-in campaign's request to the person: which campaign, the text variant they were assigned, and what became of it.</summary>
public sealed record ExportCampaignAsk(Guid Id, Guid CampaignId, string Campaign, string Outcome, string? SkipReason, Decisions.Channel Channel,
    Guid? ExperimentId, string? VariantKey, Guid? NotificationId, DateTime AskedAt, DateTime AttributionEndsAt, DateTime? OpenedAt);
