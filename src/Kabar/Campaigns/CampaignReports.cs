using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Campaigns;

/// <summary>A campaign's progress and results, for the API and the console.</summary>
public sealed class CampaignReports(IOptions<PolicyOptions> policy, TimeProvider time)
{
    public async Task<CampaignResponse?> ReadAsync(KabarDbContext db, Guid id, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return campaign is null ? null : Response(campaign, await ProgressAsync(db, campaign, ct));
    }

    public async Task<CampaignProgress> ProgressAsync(KabarDbContext db, Campaign campaign, CancellationToken ct)
    {
        var p = policy.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
        var now = time.GetUtcNow().UtcDateTime;
        var asks = await AskResults.ReadAsync(db, db.CampaignAsks.Where(a => a.CampaignId == campaign.Id), ct);
        var waiting = campaign.State == CampaignState.Completed
            ? 0
            : await CampaignSegment.Waiting(db, campaign, zone, now - p.OptInCooldown).LongCountAsync(ct);
        var counted = asks.Where(a => a.Counted).ToList();
        var skipped = asks.Where(a => a.Outcome == AskOutcome.Skipped || a.State == Notifications.NotificationState.Skipped).ToList();
        var failed = asks.LongCount(a => a.Outcome == AskOutcome.Asked
            && a.State is Notifications.NotificationState.Failed or Notifications.NotificationState.Cancelled);
        var confirmed = counted.LongCount(a => a.Converted);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        var days = counted
            .GroupBy(a => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(a.AskedAt, zone)))
            .OrderByDescending(g => g.Key)
            .Select(g => new CampaignDay(g.Key, g.LongCount(), g.LongCount(a => a.Opened), g.LongCount(a => a.Converted)))
            .ToList();
        var reasons = skipped
            .GroupBy(a => a.SkipReason ?? "chose_before_sending")
            .ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);
        return new CampaignProgress(
            counted.Count + skipped.Count + failed + waiting,
            waiting,
            counted.Count,
            skipped.Count,
            failed,
            counted.LongCount(a => a.Opened),
            confirmed,
            counted.Count == 0 ? null : (double)confirmed / counted.Count,
            days.FirstOrDefault(d => d.Date == today)?.Asked ?? 0,
            days,
            reasons);
    }

    public static CampaignResponse Response(Campaign c, CampaignProgress? progress) => new(
        c.Id,
        c.Name,
        EnumText<CampaignState>.Name(c.State),
        new SegmentRequest(c.PermitType, c.RegisteredFrom, c.RegisteredTo),
        EnumText<CampaignChannels>.Name(c.Channels),
        c.DailyCap,
        new SendingHoursRequest(c.SendFrom.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            c.SendUntil.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
        c.ExperimentId,
        c.CreatedBy,
        c.CreatedAt,
        c.StartedAt,
        c.CompletedAt,
        progress);
}
