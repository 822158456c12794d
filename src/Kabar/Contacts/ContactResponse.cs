namespace Kabar.Contacts;

/// <summary>A contact's state: who the person is, their consent per scope and their service window.</summary>
/// <param name="Id">The contact's id, Kabar's own key for the person.</param>
/// <param name="Phone">The phone in E.164 form (+6281234567890); null after erasure.</param>
/// <param name="WaId">WhatsApp's id for the person (<c>wa_id</c>), once they wrote; it may differ from the phone.</param>
/// <param name="BusinessScopedUserId">WhatsApp's business-scoped user id, when a webhook carried one.</param>
/// <param name="Name">The person's name.</param>
/// <param name="Email">The person's e-mail address, for fallback notices.</param>
/// <param name="Language"><c>id</c> or <c>en</c>: the language of the texts sent.</param>
/// <param name="Consent">The current consent per scope.</param>
/// <param name="LastInboundAt">When the person last wrote on WhatsApp (UTC); null when never.</param>
/// <param name="WindowOpen">Whether the 24-hour customer service window is open now: any message, free-form text included, may be sent.</param>
/// <param name="WindowExpiresAt">When the window closes (UTC, with the safety margin taken off).</param>
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
