namespace Kabar.Simulator;

/// <summary><c>PUT /_control/usage</c>: the share of the hourly management budget already used, as if just now (100 or more: throttled).</summary>
internal sealed record UsageRequest(int Percent);
