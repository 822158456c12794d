namespace Kabar.Privacy;

/// <summary>An opt-in campaign's request to the person: which campaign, the text variant they were assigned, and what became of it.</summary>
/// <param name="Id">The ask's id.</param>
/// <param name="CampaignId">The campaign's id.</param>
/// <param name="Campaign">The campaign's name.</param>
/// <param name="Outcome"><c>asked</c> (a request was queued) or <c>skipped</c>.</param>
/// <param name="SkipReason">Why the person was skipped: <c>no_address</c> or <c>asked_recently_or_chose</c>.</param>
/// <param name="Channel">The channel of the request: <c>sms</c> or <c>email</c>.</param>
/// <param name="ExperimentId">The experiment whose text was used, when there was one.</param>
/// <param name="VariantKey">The experiment variant the person was assigned.</param>
/// <param name="NotificationId">The notification that carried the request.</param>
/// <param name="AskedAt">When the person was asked, ISO 8601 UTC.</param>
/// <param name="AttributionEndsAt">Until when a consent counts for this request, ISO 8601 UTC.</param>
/// <param name="OpenedAt">When the person opened the opt-in link, ISO 8601 UTC; null when not opened.</param>
public sealed record ExportCampaignAsk(Guid Id, Guid CampaignId, string Campaign, string Outcome, string? SkipReason, Decisions.Channel Channel,
    Guid? ExperimentId, string? VariantKey, Guid? NotificationId, DateTime AskedAt, DateTime AttributionEndsAt, DateTime? OpenedAt);
