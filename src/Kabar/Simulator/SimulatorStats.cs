namespace Kabar.Simulator;

/// <summary><c>GET _control/stats</c>.</summary>
internal sealed record SimulatorStats(
    long Accepted,
    IReadOnlyDictionary<string, long> RefusedByCode,
    IReadOnlyDictionary<string, int> MaxAcceptedPerSecond,
    long DuplicateCallbackData,
    long WebhookPosts,
    long WebhookPostsRefused,
    long WebhookPostsAbandoned);
