using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;

namespace Kabar.Campaigns;

/// <summary>
/// Who a campaign may still ask, evaluated as the data stands at each run: WhatsApp consent
/// unknown, the segment's filters, no opt-in request within the cooldown, a usable address for
/// the campaign's channels, and not yet taken by this campaign (asked or skipped).
/// </summary>
internal static class CampaignSegment
{
    public static IQueryable<Contact> Waiting(KabarDbContext db, Campaign campaign, TimeZoneInfo zone, DateTime cooldownCutoff)
    {
        var id = campaign.Id;
        return Matching(db, campaign, zone)
            .Where(c => c.LastOptInRequestAt == null || c.LastOptInRequestAt < cooldownCutoff)
            .Where(c => !db.CampaignAsks.Any(a => a.CampaignId == id && a.ContactId == c.Id));
    }

    /// <summary>The segment itself: consent unknown, filters, a usable address.</summary>
    public static IQueryable<Contact> Matching(KabarDbContext db, Campaign campaign, TimeZoneInfo zone)
    {
        var q = db.Contacts.Where(c => c.WhatsAppConsent == ConsentState.Unknown);
        if (campaign.PermitType is { } type)
        {
            q = q.Where(c => db.Permits.Any(p => p.HolderContactId == c.Id && p.PermitType == type)
                || db.Registrations.Any(r => r.ContactId == c.Id && r.PermitType == type));
        }

        if (campaign.RegisteredFrom is { } from)
        {
            var start = StartOf(from, zone);
            q = q.Where(c => c.CreatedAt >= start);
        }

        if (campaign.RegisteredTo is { } to)
        {
            var end = StartOf(to.AddDays(1), zone);
            q = q.Where(c => c.CreatedAt < end);
        }

        return campaign.Channels switch
        {
            CampaignChannels.Sms => q.Where(c => c.Phone != null),
            CampaignChannels.Email => q.Where(c => c.Email != null),
            _ => q.Where(c => c.Phone != null || c.Email != null),
        };
    }

    /// <summary>Midnight of an office-zone date, in UTC.</summary>
    public static DateTime StartOf(DateOnly date, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), zone);
}
