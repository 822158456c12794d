namespace Kabar.Simulator;

/// <summary>One message a citizen wrote through the simulator: <see cref="From"/> is digits, as WhatsApp ids are.</summary>
public sealed record SimInbound(string Id, string From, string Text, DateTimeOffset At);
