namespace Kabar.Campaigns;

public sealed record ExperimentSummary(Guid Id, string Name, string State, int AttributionDays, IReadOnlyList<string> Variants, DateTime CreatedAt);
