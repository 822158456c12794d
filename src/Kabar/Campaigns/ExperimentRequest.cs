namespace Kabar.Campaigns;

/// <summary><c>POST /api/experiments</c>.</summary>
public sealed record ExperimentRequest(string? Name, int? AttributionDays, IReadOnlyList<VariantRequest>? Variants);
