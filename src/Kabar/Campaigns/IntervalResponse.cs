namespace Kabar.Campaigns;

/// <summary>A two-sided interval on a proportion or a difference of proportions, as fractions (0.12 is 12 %).</summary>
/// <param name="Low">The lower bound, a fraction.</param>
/// <param name="High">The upper bound, a fraction.</param>
public sealed record IntervalResponse(double Low, double High);
