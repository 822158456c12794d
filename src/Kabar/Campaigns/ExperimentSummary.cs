namespace Kabar.Campaigns;

/// <summary>An experiment as listed, without its results.</summary>
/// <param name="Id">The experiment's id.</param>
/// <param name="Name">What the office calls the experiment.</param>
/// <param name="State"><c>running</c> or <c>stopped</c>.</param>
/// <param name="AttributionDays">Days after a request within which a granted consent counts as a conversion.</param>
/// <param name="Variants">The variants' keys, the control first.</param>
/// <param name="CreatedAt">When it was created, ISO 8601 UTC.</param>
public sealed record ExperimentSummary(Guid Id, string Name, string State, int AttributionDays, IReadOnlyList<string> Variants, DateTime CreatedAt);
