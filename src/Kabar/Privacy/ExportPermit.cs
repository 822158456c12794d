using Kabar.Permits;

namespace Kabar.Privacy;

/// <summary>A permit the person holds or applied for, as stored.</summary>
/// <param name="Id">Kabar's id of the permit.</param>
/// <param name="ExternalRef">The permit system's reference.</param>
/// <param name="PermitNumber">The permit's number, once issued.</param>
/// <param name="PermitType">The kind of permit, in the office's words.</param>
/// <param name="Status">submitted, in_review, needs_documents, issued, rejected or revoked.</param>
/// <param name="IssuedOn">The issue date, <c>YYYY-MM-DD</c>.</param>
/// <param name="ExpiresOn">The expiry date, <c>YYYY-MM-DD</c>.</param>
/// <param name="RegistrationId">The application's registration number.</param>
/// <param name="DownloadLink">Where the issued permit is downloaded.</param>
/// <param name="RenewalLink">Where the permit is renewed.</param>
/// <param name="DetailLink">Where the application is followed.</param>
/// <param name="CreatedAt">When Kabar first recorded it, ISO 8601 UTC.</param>
/// <param name="UpdatedAt">When it last changed, ISO 8601 UTC.</param>
public sealed record ExportPermit(Guid Id, string ExternalRef, string? PermitNumber, string PermitType, PermitStatus Status,
    DateOnly? IssuedOn, DateOnly? ExpiresOn, string? RegistrationId, string? DownloadLink, string? RenewalLink, string? DetailLink,
    DateTime CreatedAt, DateTime UpdatedAt);
