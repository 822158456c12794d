namespace Kabar.Permits;

/// <summary><c>POST /api/permits</c> (SPEC §13). Dates are <c>YYYY-MM-DD</c>.</summary>
public sealed record PermitRequest(
    string? ExternalRef,
    string? PermitNumber,
    string? PermitType,
    string? Status,
    PersonRequest? Holder,
    string? IssuedOn,
    string? ExpiresOn,
    string? RenewalOf,
    string? RegistrationId,
    PermitLinks? Links,
    IReadOnlyList<DocumentRequest>? Documents);
