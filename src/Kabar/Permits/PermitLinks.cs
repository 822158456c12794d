namespace Kabar.Permits;

public sealed record PermitLinks(string? Download, string? Renewal, string? Detail);
