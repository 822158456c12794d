using Kabar.Common;
using Kabar.Data;
using Kabar.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Admin;

/// <summary>
/// The job <c>stats-rollup</c>: counts each completed office day once into the rollup tables, so the
/// dashboard reads a year as a few thousand grouped rows instead of ten million attempts. A day is
/// counted again on every run until <see cref="StatsOptions.RecomputeWindow"/> after it ended,
/// because receipts and fallbacks arrive late; each day is replaced in one transaction, so a
/// reader sees the old counts or the new ones, never half.
/// </summary>
internal sealed class StatsRollup(IServiceScopeFactory scopes, WriteGate gate, IOptions<PolicyOptions> policy, IOptions<StatsOptions> options)
{
    public const string Name = "stats-rollup";

    public async Task<JobOutcome> RunAsync(DateTime now, CancellationToken ct)
    {
        var zoneId = policy.Value.TimeZone;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));

        Dictionary<DateOnly, DateTime> done;
        DateTime? earliest;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            done = await db.StatsDays.AsNoTracking().Where(d => d.TimeZone == zoneId).ToDictionaryAsync(d => d.Day, d => d.ComputedAt, ct);
            earliest = Earliest(
                await db.DeliveryAttempts.MinAsync(a => (DateTime?)a.CreatedAt, ct),
                await db.Notifications.MinAsync(n => (DateTime?)n.CreatedAt, ct),
                await db.ConsentEvents.MinAsync(e => (DateTime?)e.OccurredAt, ct));
        }

        if (earliest is null)
        {
            return new JobOutcome(0, "no activity to count yet");
        }

        var rolled = 0;
        for (var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(earliest.Value, zone)); day < today; day = day.AddDays(1))
        {
            var end = StatsService.StartOf(day.AddDays(1), zone);
            // Counted after the window closed: final. Counted earlier (or never): count it now.
            if (done.TryGetValue(day, out var computedAt) && computedAt >= end + options.Value.RecomputeWindow)
            {
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            await RollUpAsync(db, day, zone, zoneId, now, ct);
            rolled++;
        }

        return new JobOutcome(rolled, $"{rolled} day(s) counted, {done.Count} already final or current");
    }

    private static DateTime? Earliest(params DateTime?[] times) => times.Where(t => t is not null).Min();

    private async Task RollUpAsync(KabarDbContext db, DateOnly day, TimeZoneInfo zone, string zoneId, DateTime now, CancellationToken ct)
    {
        var start = StatsService.StartOf(day, zone);
        var end = StatsService.StartOf(day.AddDays(1), zone);
        var attempts = await StatsService.AttemptsQuery(db, start, end)
            .GroupBy(a => new { a.Status, Taken = a.ProviderMessageId != null, a.WindowOpen, a.Reason, a.Billable, a.PricingCategory, a.ErrorCode })
            .Select(g => new StatsAttemptDay
            {
                Day = day,
                Status = g.Key.Status,
                Taken = g.Key.Taken,
                WindowOpen = g.Key.WindowOpen,
                Reason = g.Key.Reason,
                Billable = g.Key.Billable,
                PricingCategory = g.Key.PricingCategory,
                ErrorCode = g.Key.ErrorCode,
                Count = g.LongCount(),
            })
            .ToListAsync(ct);
        var notifications = await db.Notifications.Where(n => n.CreatedAt >= start && n.CreatedAt < end)
            .GroupBy(n => new { n.State, n.Channel, CampaignAsk = n.CampaignId != null })
            .Select(g => new StatsNotificationDay { Day = day, State = g.Key.State, Channel = g.Key.Channel, CampaignAsk = g.Key.CampaignAsk, Count = g.LongCount() })
            .ToListAsync(ct);
        var consent = await StatsService.ConsentQuery(db, start, end)
            .GroupBy(e => new { e.Action, e.Source })
            .Select(g => new StatsConsentDay { Day = day, Action = g.Key.Action, Source = g.Key.Source, Count = g.LongCount() })
            .ToListAsync(ct);

        // The counting above only reads; the swap below is short and, on SQLite, waits its turn
        // behind the webhook intake and the dispatcher like any background writer.
        using var turn = await gate.EnterAsync(ct, urgent: false);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.StatsAttemptDays.Where(d => d.Day == day).ExecuteDeleteAsync(ct);
            await db.StatsNotificationDays.Where(d => d.Day == day).ExecuteDeleteAsync(ct);
            await db.StatsConsentDays.Where(d => d.Day == day).ExecuteDeleteAsync(ct);
            await db.StatsDays.Where(d => d.Day == day).ExecuteDeleteAsync(ct);
            db.StatsAttemptDays.AddRange(attempts);
            db.StatsNotificationDays.AddRange(notifications);
            db.StatsConsentDays.AddRange(consent);
            db.StatsDays.Add(new StatsDay { Day = day, TimeZone = zoneId, ComputedAt = now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        });
    }
}
