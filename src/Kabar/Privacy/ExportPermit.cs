using Kabar.Permits;

namespace Kabar.Privacy;

public sealed record ExportPermit(Guid Id, string ExternalRef, string? PermitNumber, string PermitType, PermitStatus Status,
    DateOnly? IssuedOn, DateOnly? ExpiresOn, string? RegistrationId, string? DownloadLink, string? RenewalLink, string? DetailLink,
    DateTime CreatedAt, DateTime UpdatedAt);
