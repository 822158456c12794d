using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;

namespace Kabar.OptIn;

/// <summary>Issues the personal opt-in link a fallback message carries (SPEC §8, decision rule 8).</summary>
public static class OptInLinks
{
    /// <summary>
    /// Stores the link's token (its hash only) for the notification that carries it and starts the
    /// person's opt-in cooldown; saved with the notification's send. Returns the link.
    /// </summary>
    public static string Issue(KabarDbContext db, (string Link, string Hash) link, Contact contact, Guid notificationId,
        DateTime now, TimeSpan lifetime)
    {
        db.OptInTokens.Add(new OptInToken
        {
            Id = Guid.CreateVersion7(),
            TokenHash = link.Hash,
            ContactId = contact.Id,
            Scope = ConsentScope.WhatsApp,
            NotificationId = notificationId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        contact.LastOptInRequestAt = now;
        return link.Link;
    }
}
