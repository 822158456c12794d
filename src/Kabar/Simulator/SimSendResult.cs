namespace Kabar.Simulator;

/// <summary>What became of a send: an error, or an accepted message (and whether to hang up on the client).</summary>
/// <summary>
/// What a send gets: an error or the accepted message; <see cref="Hang"/> drops the connection after
/// taking it, <see cref="Unanswered"/> holds the request without taking it, <see cref="Delay"/> slows the answer.
/// </summary>
internal sealed record SimSendResult(GraphError? Error, SimMessage? Message, bool Hang = false, bool Unanswered = false,
    TimeSpan Delay = default);
