namespace Kabar.Campaigns;

/// <summary><c>POST /api/campaigns</c>.</summary>
public sealed record CampaignRequest(
    string? Name,
    SegmentRequest? Segment,
    string? Channel,
    int? DailyCap,
    SendingHoursRequest? SendingHours,
    Guid? ExperimentId);

/// <summary>Who is asked: contacts with WhatsApp consent unknown, narrowed by these filters.</summary>
public sealed record SegmentRequest(string? PermitType, DateOnly? RegisteredFrom, DateOnly? RegisteredTo);

/// <summary>Office-zone times of day, <c>HH:mm</c>.</summary>
public sealed record SendingHoursRequest(string? From, string? Until);

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

/// <summary>
/// A campaign's figures. <c>eligible</c> = asked + skipped + waiting; <c>opened</c> and
/// <c>confirmed</c> count asked people; <c>confirmed</c> is a WhatsApp consent granted within the
/// attribution window by the campaign's link or an opt-in keyword.
/// </summary>
public sealed record CampaignProgress(
    long Eligible,
    long Waiting,
    long Asked,
    long Skipped,
    long Failed,
    long Opened,
    long Confirmed,
    double? ConfirmRate,
    long AskedToday,
    IReadOnlyList<CampaignDay> Days,
    IReadOnlyDictionary<string, long> SkipReasons);

public sealed record CampaignDay(DateOnly Date, long Asked, long Opened, long Confirmed);

public sealed record CampaignList(IReadOnlyList<CampaignResponse> Items);

/// <summary><c>POST /api/experiments</c>.</summary>
public sealed record ExperimentRequest(string? Name, int? AttributionDays, IReadOnlyList<VariantRequest>? Variants);

public sealed record VariantRequest(string? Key, int? Weight, TextRequest? Sms, TextRequest? Email);

/// <summary>A text in Indonesian and English.</summary>
public sealed record TextRequest(string? Id, string? En);

public sealed record ExperimentList(IReadOnlyList<ExperimentSummary> Items);

public sealed record ExperimentSummary(Guid Id, string Name, string State, int AttributionDays, IReadOnlyList<string> Variants, DateTime CreatedAt);

/// <summary><c>GET /api/experiments/{id}</c>: the experiment and its analysis now.</summary>
public sealed record ExperimentResponse(
    Guid Id,
    string Name,
    string State,
    int AttributionDays,
    DateTime CreatedAt,
    IReadOnlyList<VariantResultResponse> Variants,
    string Verdict,
    string? Winner,
    long? MoreRequestsNeeded,
    string Summary,
    string SummaryId,
    string SummaryEn,
    long AwaitingAttribution);

public sealed record VariantResultResponse(
    string Key,
    int Weight,
    TextRequest? Sms,
    TextRequest? Email,
    long Asked,
    long Converted,
    double Rate,
    IntervalResponse Wilson95,
    double? DifferenceFromControl,
    IntervalResponse? DifferenceSequence,
    double? AlwaysValidPValue);

public sealed record IntervalResponse(double Low, double High);
