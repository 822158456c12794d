namespace Kabar.Campaigns;

/// <summary><c>POST /api/experiments</c>: an A/B test between opt-in request texts; a campaign uses it through its <c>experimentId</c>.</summary>
/// <param name="Name">What the office calls the experiment, 1 to 200 characters.</param>
/// <param name="AttributionDays">Days after a request within which a granted consent counts as its conversion, 1 to 90; default 14 (Kabar:Experiments:AttributionWindow).</param>
/// <param name="Variants">2 or more variants, each with its own key; the first is the control the others are compared with.</param>
public sealed record ExperimentRequest(string? Name, int? AttributionDays, IReadOnlyList<VariantRequest>? Variants);
