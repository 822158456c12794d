namespace Kabar.Permits;

/// <summary>
/// <c>POST /api/permits</c> (SPEC §13): creates the permit, or updates the one with the same
/// <c>externalRef</c>. A status change notifies the holder. Dates are <c>YYYY-MM-DD</c>.
/// </summary>
/// <param name="ExternalRef">The permit system's reference, which identifies the permit (at most 100 characters).</param>
/// <param name="PermitNumber">The permit's number once issued (at most 100 characters).</param>
/// <param name="PermitType">The kind of permit, in the office's words (at most 200 characters).</param>
/// <param name="Status">submitted, in_review, needs_documents, issued, rejected or revoked. Reaching issued sends permit_ready (permit_renewal_approved with renewalOf); other changes send status_update.</param>
/// <param name="Holder">The applicant or holder; found or created by phone.</param>
/// <param name="IssuedOn">The issue date.</param>
/// <param name="ExpiresOn">The expiry date, after issuedOn; expiry reminders are planned from it.</param>
/// <param name="RenewalOf">The externalRef of the permit this one renews; its reminders are cancelled when this one is issued.</param>
/// <param name="RegistrationId">The application's registration number in the permit system.</param>
/// <param name="Links">Addresses the notifications link to.</param>
/// <param name="Documents">Documents waiting for a signature or an approval; when sent, the whole current list.</param>
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
