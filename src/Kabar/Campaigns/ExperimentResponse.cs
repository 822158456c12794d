namespace Kabar.Campaigns;

/// <summary><c>GET /api/experiments/{id}</c>: the experiment and its analysis now.</summary>
/// <param name="Id">The experiment's id.</param>
/// <param name="Name">What the office calls the experiment.</param>
/// <param name="State"><c>running</c> (campaigns may use it) or <c>stopped</c>.</param>
/// <param name="AttributionDays">Days after a request within which a granted consent counts as a conversion.</param>
/// <param name="CreatedAt">When it was created, ISO 8601 UTC.</param>
/// <param name="Variants">Each variant's figures, the control first.</param>
/// <param name="Verdict"><c>not_enough_data</c>, <c>no_difference_yet</c>, <c>winner</c> (a variant beats the control) or <c>control_best</c> (every variant is worse than the control).</param>
/// <param name="Winner">The key of the winning variant when the verdict is <c>winner</c>, else null.</param>
/// <param name="MoreRequestsNeeded">An estimate of how many more requests, all variants together, a verdict needs at the rates so far; null when there is a verdict or nothing to estimate from.</param>
/// <param name="Summary">The verdict in one paragraph, in the language asked for (<c>?lang=en</c> for English; Indonesian by default).</param>
/// <param name="SummaryId">The verdict in Indonesian.</param>
/// <param name="SummaryEn">The verdict in English.</param>
/// <param name="AwaitingAttribution">People asked who have not converted yet and whose attribution window is still open; they may still count.</param>
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
