namespace Kabar.Campaigns;

public sealed record IntervalResponse(double Low, double High);
