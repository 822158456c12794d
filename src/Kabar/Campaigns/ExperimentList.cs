namespace Kabar.Campaigns;

internal sealed record ExperimentList(IReadOnlyList<ExperimentSummary> Items);
