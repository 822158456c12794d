namespace Kabar.Campaigns;

/// <summary><c>GET /api/experiments</c>: the experiments, newest first.</summary>
/// <param name="Items">Up to 500 experiments, newest first, without their results (read one experiment for them).</param>
internal sealed record ExperimentList(IReadOnlyList<ExperimentSummary> Items);
