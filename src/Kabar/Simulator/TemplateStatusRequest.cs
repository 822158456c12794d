namespace Kabar.Simulator;

internal sealed record TemplateStatusRequest(string Status);
