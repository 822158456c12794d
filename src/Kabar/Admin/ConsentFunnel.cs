using Kabar.Campaigns;
using Kabar.Consent;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Admin;

/// <summary>
/// The dashboard's consent funnel over the campaigns' opt-in requests made in a period
/// (docs/console.md, "The dashboard's charts"): requests that went out or are on their way, those
/// whose link was opened, those that ended in a WhatsApp consent within the attribution window
/// (the campaign page's "Setuju"), and of those the people whose WhatsApp consent is still granted
/// now. Opening is only known for campaign links, so the fallbacks' own opt-in links are not in it.
/// </summary>
public sealed record ConsentFunnel(long Asked, long Opened, long OptedIn, long StillOptedIn)
{
    public static async Task<ConsentFunnel> ReadAsync(KabarDbContext db, DateTime from, DateTime to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var asks = db.CampaignAsks.Where(a => a.Outcome == AskOutcome.Asked && a.AskedAt >= from && a.AskedAt < to);
        var results = (await AskResults.ReadAsync(db, asks, ct)).Where(r => r.Counted).ToList();
        var granted = (await (
            from a in asks
            join c in db.Contacts on a.ContactId equals c.Id
            where c.WhatsAppConsent == ConsentState.Granted && c.ErasedAt == null
            select a.ContactId).Distinct().ToListAsync(ct)).ToHashSet();
        return new ConsentFunnel(
            results.Count,
            results.Count(r => r.Opened),
            results.Count(r => r.Converted),
            results.Count(r => r.Converted && granted.Contains(r.ContactId)));
    }
}
