namespace Kabar.Campaigns;

/// <summary><c>POST /api/campaigns</c>: a draft opt-in campaign; start it with <c>POST /api/campaigns/{id}/start</c>.</summary>
/// <param name="Name">What the office calls the campaign, 1 to 200 characters.</param>
/// <param name="Segment">Who is asked; leave it out to ask every contact whose WhatsApp consent is unknown.</param>
/// <param name="Channel">How people are asked: <c>sms</c>, <c>email</c> or <c>both</c> (each person once, by SMS when they have a phone, else by e-mail).</param>
/// <param name="DailyCap">The most people asked per day (office time zone), 1 to 100,000.</param>
/// <param name="SendingHours">When in the office's day requests may go out; must lie outside the quiet hours.</param>
/// <param name="ExperimentId">A running experiment whose variants supply the request texts; leave it out for the standard text.</param>
public sealed record CampaignRequest(
    string? Name,
    SegmentRequest? Segment,
    string? Channel,
    int? DailyCap,
    SendingHoursRequest? SendingHours,
    Guid? ExperimentId);
