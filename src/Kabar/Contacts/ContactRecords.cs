using System.Text.Json.Serialization;
using Kabar.Consent;
using Kabar.Decisions;

namespace Kabar.Contacts;

/// <summary><c>POST /api/contacts</c> (SPEC §13).</summary>
public sealed record ContactRequest(string? Phone, string? Name, string? Email, string? Language, ConsentRequest? Consent);

/// <summary>A consent change with its evidence: inside a contact request or on its own.</summary>
public sealed record ConsentRequest(
    string? Scope,
    bool? Granted,
    string? Source,
    string? TextVersion,
    string? Text,
    string? Ip,
    string? UserAgent,
    string? Operator,
    string? Note,
    DateTime? OccurredAt);

public sealed record ConsentStates(
    [property: JsonPropertyName("whatsapp")] ConsentState WhatsApp,
    [property: JsonPropertyName("whatsappMarketing")] ConsentState WhatsAppMarketing);

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

public sealed record ConsentLedgerResponse(Guid ContactId, ConsentStates Consent, string? Head, IReadOnlyList<ConsentEventResponse> Events);

public sealed record ConsentChangeResponse(ConsentEventResponse? Event, ContactResponse Contact);

public static class ContactMapping
{
    public static ContactResponse ToResponse(this Contact c, DateTime now, DecisionPolicy policy)
    {
        var expires = SendDecision.WindowExpiresAt(c.LastInboundAt, policy);
        return new ContactResponse(c.Id, c.Phone, c.WaId, c.BusinessScopedUserId, c.Name, c.Email, c.Language,
            new ConsentStates(c.WhatsAppConsent, c.MarketingConsent), c.LastInboundAt,
            expires is { } e && now < e, expires);
    }

    public static ConsentEventResponse ToResponse(this ConsentEvent e) =>
        new(e.Id, e.Seq, e.Scope, e.Action, e.Source, e.OccurredAt, e.RecordedAt, e.TextVersion, e.TextHash, e.Ip,
            e.UserAgent, e.WhatsAppMessageId, e.TokenId, e.Operator, e.Note, e.PrevHash, e.Hash);
}
