namespace Kabar.Simulator;

/// <summary>One status the simulator posted (or lost) for a message.</summary>
public sealed record SimStatus(string Status, DateTimeOffset At, int? ErrorCode, bool Lost, bool Duplicate);
