namespace Kabar.Simulator;

/// <summary><c>POST _control/inbound</c>: a citizen writes to the business.</summary>
public sealed record InboundRequest(string From, string Text, string? Name = null, string? PhoneNumberId = null);
