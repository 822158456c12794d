namespace Kabar.Simulator;

/// <summary><c>POST _control/faults</c>: matching sends fail with <see cref="Code"/>, are slowed or go unanswered.</summary>
/// <param name="To">E.164; null matches every recipient.</param>
/// <param name="Code">The Graph error code to answer or report.</param>
/// <param name="Mode">
/// <c>sync</c> (Graph error), <c>status</c> (accepted, then a failed status), <c>hang</c> (accepted,
/// connection aborted), <c>timeout</c> (not taken, no answer until the client gives up) or
/// <c>slow</c> (accepted, answered after <see cref="DelayMs"/>).
/// </param>
/// <param name="Times">How many sends it applies to (when <see cref="ForSeconds"/> is not set).</param>
/// <param name="RetryAfterSeconds">A Retry-After header on a sync error.</param>
/// <param name="ForSeconds">Applies to every matching send for this long from now (an outage), instead of <see cref="Times"/>.</param>
/// <param name="Share">The share (0–1] of matching sends it applies to, drawn at random; the rest pass on to later faults or succeed.</param>
/// <param name="DelayMs">How long the answer takes (<c>sync</c>, <c>slow</c>) or how long an unanswered request is held at most (<c>timeout</c>).</param>
internal sealed record FaultRequest(string? To, int Code, string Mode = "sync", int Times = 1, int? RetryAfterSeconds = null,
    double? ForSeconds = null, double? Share = null, int? DelayMs = null)
{
    public static readonly string[] Modes = ["sync", "status", "hang", "timeout", "slow"];

    /// <summary>What is wrong with the request, or null.</summary>
    public string? Problem() =>
        !Modes.Contains(Mode) ? $"mode must be one of {string.Join(", ", Modes)}."
        : ForSeconds is <= 0 or > 86_400 ? "forSeconds must be more than 0 and at most 86400."
        : Share is <= 0 or > 1 ? "share must be more than 0 and at most 1."
        : DelayMs is < 0 or > 600_000 ? "delayMs must be from 0 to 600000."
        : RetryAfterSeconds is < 0 ? "retryAfterSeconds must not be negative."
        : null;
}
