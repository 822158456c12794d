namespace Kabar.Permits;

/// <summary>A validated permit, from the API or a CSV row.</summary>
public sealed record PermitInput(
    string ExternalRef,
    string? PermitNumber,
    string PermitType,
    PermitStatus Status,
    PersonInput Holder,
    DateOnly? IssuedOn,
    DateOnly? ExpiresOn,
    string? RenewalOf,
    string? RegistrationId,
    PermitLinks? Links,
    IReadOnlyList<DocumentInput>? Documents);
