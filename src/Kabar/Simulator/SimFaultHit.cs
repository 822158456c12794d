namespace Kabar.Simulator;

/// <summary>One send a fault applied to: when it arrived, and which fault.</summary>
internal sealed record SimFaultHit(DateTimeOffset At, int Code, string Mode, string? To);
