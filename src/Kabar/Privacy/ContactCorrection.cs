namespace Kabar.Privacy;

/// <summary><c>PATCH /api/contacts/{id}</c>: only the fields given are changed; an empty string clears the e-mail.</summary>
public sealed record ContactCorrection(string? Name, string? Email, string? Language, string? Phone = null, string? Reference = null,
    DateTime? ReceivedAt = null);
