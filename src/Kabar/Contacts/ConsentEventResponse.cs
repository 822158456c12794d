using Kabar.Consent;

namespace Kabar.Contacts;

/// <summary>One entry of the contact's append-only consent ledger, with its evidence and its place in the hash chain.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="Seq">Its number in the contact's ledger: 1, 2, 3…</param>
/// <param name="Scope"><c>whatsapp</c> or <c>whatsapp_marketing</c>.</param>
/// <param name="Action"><c>granted</c> or <c>withdrawn</c>.</param>
/// <param name="Source">Where the person said so: <c>registration_form</c>, <c>api</c>, <c>opt_in_link</c>, <c>inbound_keyword</c>, <c>inbound_message</c>, <c>user_preferences_webhook</c>, <c>import</c>, <c>admin</c>, <c>whatsapp_error</c> or <c>opt_out_link</c>.</param>
/// <param name="OccurredAt">When the person acted, ISO 8601 UTC (for an inbound message, the message's own time).</param>
/// <param name="RecordedAt">When Kabar wrote the event, ISO 8601 UTC.</param>
/// <param name="TextVersion">The version of the consent text the person saw, for a form or link.</param>
/// <param name="TextHash">SHA-256 (hex) of that consent text.</param>
/// <param name="Ip">The person's IP address, for web sources; null after erasure.</param>
/// <param name="UserAgent">The person's browser, for web sources; null after erasure.</param>
/// <param name="WhatsAppMessageId">The <c>wamid</c> of the inbound message that carried it, for inbound sources.</param>
/// <param name="TokenId">The opt-in link's id, for source <c>opt_in_link</c>.</param>
/// <param name="Operator">Who recorded it, for source <c>admin</c>.</param>
/// <param name="Note">A free note kept with the event.</param>
/// <param name="PrevHash">The hash of the contact's previous event; null for the first.</param>
/// <param name="Hash">SHA-256 (hex) over this event's fields and <c>prevHash</c>: an edit anywhere breaks the chain.</param>
public sealed record ConsentEventResponse(
    Guid Id,
    int Seq,
    ConsentScope Scope,
    ConsentAction Action,
    ConsentSource Source,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string? TextVersion,
    string? TextHash,
    string? Ip,
    string? UserAgent,
    string? WhatsAppMessageId,
    string? TokenId,
    string? Operator,
    string? Note,
    string? PrevHash,
    string Hash);
