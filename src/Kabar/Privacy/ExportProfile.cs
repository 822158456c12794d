using Kabar.Contacts;

namespace Kabar.Privacy;

public sealed record ExportProfile(
    Guid Id,
    string? Phone,
    string? WaId,
    string? BusinessScopedUserId,
    string? Name,
    string? Email,
    string Language,
    ConsentStates Consent,
    DateTime? WhatsAppConsentAt,
    DateTime? MarketingConsentAt,
    DateTime? LastInboundAt,
    DateTime? UndeliverableAt,
    DateTime? LastOptInRequestAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ErasedAt);
