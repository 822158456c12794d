namespace Kabar.Simulator;

/// <summary><c>GET {control}/stats</c>: API requests since the last seed, by endpoint, and the most within any one second.</summary>
internal sealed record SiCantikStats(long Requests, IReadOnlyDictionary<string, long> ByEndpoint, int MaxPerSecond);
