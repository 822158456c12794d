namespace Kabar.Campaigns;

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
