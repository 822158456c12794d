namespace Kabar.Permits;

internal sealed record PermitResponse(
    Guid Id,
    string ExternalRef,
    string? PermitNumber,
    string PermitType,
    PermitStatus Status,
    DateTime StatusChangedAt,
    Guid HolderContactId,
    string? RegistrationId,
    DateOnly? IssuedOn,
    DateOnly? ExpiresOn,
    string? RenewalOf,
    string? RenewedBy,
    PermitLinks Links,
    IReadOnlyList<DocumentResponse> Documents,
    IReadOnlyList<PermitNotificationResponse> Notifications);
