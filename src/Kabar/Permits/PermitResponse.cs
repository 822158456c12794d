namespace Kabar.Permits;

/// <summary>A permit as Kabar holds it, with its waiting documents and its notifications.</summary>
/// <param name="Id">Kabar's id of the permit.</param>
/// <param name="ExternalRef">The permit system's reference.</param>
/// <param name="PermitNumber">The permit's number, once issued.</param>
/// <param name="PermitType">The kind of permit.</param>
/// <param name="Status">The current status.</param>
/// <param name="StatusChangedAt">When the status last changed (UTC).</param>
/// <param name="HolderContactId">The holder's contact id.</param>
/// <param name="RegistrationId">The application's registration number.</param>
/// <param name="IssuedOn">The issue date.</param>
/// <param name="ExpiresOn">The expiry date.</param>
/// <param name="RenewalOf">The externalRef of the permit this one renews.</param>
/// <param name="RenewedBy">The externalRef of the permit that renews this one.</param>
/// <param name="Links">The addresses its notifications link to.</param>
/// <param name="Documents">Documents waiting for a signature or an approval.</param>
/// <param name="Notifications">The notifications about this permit, oldest first.</param>
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
