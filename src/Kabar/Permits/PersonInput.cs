namespace Kabar.Permits;

public sealed record PersonInput(string? Phone, string? Name, string? Email, string? Language);
