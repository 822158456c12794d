namespace Kabar.Campaigns;

/// <summary>A campaign: what it asks, to whom, and (when read alone) how far it has come.</summary>
/// <param name="Id">The campaign's id.</param>
/// <param name="Name">What the office calls the campaign.</param>
/// <param name="State"><c>draft</c> (not started), <c>running</c>, <c>paused</c> or <c>completed</c>.</param>
/// <param name="Segment">Who is asked: contacts whose WhatsApp consent is unknown, narrowed by these filters (null filters narrow nothing).</param>
/// <param name="Channel"><c>sms</c>, <c>email</c> or <c>both</c>.</param>
/// <param name="DailyCap">The most people asked per day (office time zone).</param>
/// <param name="SendingHours">When in the office's day requests go out, <c>HH:mm</c> office time.</param>
/// <param name="ExperimentId">The experiment whose variants supply the texts, or null for the standard text.</param>
/// <param name="CreatedBy">Who created it: <c>api:</c> and the API key's name, or the console user.</param>
/// <param name="CreatedAt">When it was created, ISO 8601 UTC.</param>
/// <param name="StartedAt">When it first started, ISO 8601 UTC; null for a draft.</param>
/// <param name="CompletedAt">When it was completed, ISO 8601 UTC; null until then.</param>
/// <param name="Progress">Its figures; given when one campaign is read or moved, null in the list.</param>
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
