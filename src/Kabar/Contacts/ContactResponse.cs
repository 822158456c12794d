namespace Kabar.Contacts;

public sealed record ContactResponse(
    Guid Id,
    string? Phone,
    string? WaId,
    string? BusinessScopedUserId,
    string? Name,
    string? Email,
    string Language,
    ConsentStates Consent,
    DateTime? LastInboundAt,
    bool WindowOpen,
    DateTime? WindowExpiresAt);
