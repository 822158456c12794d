namespace Kabar.Simulator;

internal sealed record InboundResponse(string Id);
