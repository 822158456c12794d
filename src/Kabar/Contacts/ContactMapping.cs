using Kabar.Consent;
using Kabar.Decisions;

namespace Kabar.Contacts;

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
