using Kabar.Contacts;

namespace Kabar.Privacy;

/// <summary>The person's details and consent as stored.</summary>
/// <param name="Id">The contact's id.</param>
/// <param name="Phone">The phone in E.164 form (+6281234567890); null after erasure.</param>
/// <param name="WaId">WhatsApp's id for the person (<c>wa_id</c>), once they wrote.</param>
/// <param name="BusinessScopedUserId">WhatsApp's business-scoped user id, when a webhook carried one.</param>
/// <param name="Name">The person's name.</param>
/// <param name="Email">The person's e-mail address.</param>
/// <param name="Language"><c>id</c> or <c>en</c>: the language of the texts sent.</param>
/// <param name="Consent">The current consent per scope.</param>
/// <param name="WhatsAppConsentAt">When the WhatsApp consent last changed, ISO 8601 UTC.</param>
/// <param name="MarketingConsentAt">When the marketing consent last changed, ISO 8601 UTC.</param>
/// <param name="LastInboundAt">When the person last wrote on WhatsApp, ISO 8601 UTC.</param>
/// <param name="UndeliverableAt">When WhatsApp last said the number cannot receive messages, ISO 8601 UTC.</param>
/// <param name="LastOptInRequestAt">When the person was last asked for WhatsApp consent, ISO 8601 UTC.</param>
/// <param name="CreatedAt">When Kabar first recorded the person, ISO 8601 UTC.</param>
/// <param name="UpdatedAt">When the record last changed, ISO 8601 UTC.</param>
/// <param name="ErasedAt">When the personal data was erased, ISO 8601 UTC; null unless erased.</param>
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
