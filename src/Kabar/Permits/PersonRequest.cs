namespace Kabar.Permits;

public sealed record PersonRequest(string? Phone, string? Name, string? Email, string? Language);
