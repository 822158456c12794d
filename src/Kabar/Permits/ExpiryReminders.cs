using System.Linq.Expressions;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Permits;

/// <summary>
/// <c>expiry-reminders</c>: tells holders their permit expires, at each configured offset
/// (SPEC §9). A reminder whose day (expiry minus offset) is not a working day goes out on the
/// working day before it, so a warning never arrives later than promised; every reminder is
/// placed in office hours. The scan is set-based: one indexed query per offset and batch, the
/// notices of a batch and the permits' markers written in one transaction.
/// </summary>
internal sealed class ExpiryReminders(IServiceScopeFactory scopes, WorkCalendar calendar, IOptions<PermitOptions> options,
    NotificationWriter writer, PermitNotices notices, WriteGate gate)
{
    public const string Name = "expiry-reminders";
    private const int Batch = 2000;

    public async Task<JobOutcome> RunAsync(DateTime now, CancellationToken ct)
    {
        // The working day the reminders created now go out on, and the first day the next run covers.
        var (slotDay, dueAt) = calendar.NextSlot(now);
        var coverUntil = calendar.NextWorkingDay(slotDay);
        var offsets = options.Value.ExpiryReminderDays.Where(d => d > 0).Distinct().OrderDescending().ToArray();
        var type = PermitNotices.Type(PermitNotices.ExpiryWarning);
        var created = 0;
        for (var i = 0; i < offsets.Length; i++)
        {
            var days = offsets[i];

            // Due: the reminder's own day falls before the next working day. Still relevant: the
            // next, shorter offset's day is not also covered by this run (a permit recorded 20 days
            // before expiry gets the 30-day reminder, not also the 90- and 60-day ones; across a long
            // holiday only the most urgent of the reminders that fell inside it goes out). The last
            // offset only needs the permit not to have expired.
            var upper = coverUntil.AddDays(days);
            var lower = i + 1 < offsets.Length ? coverUntil.AddDays(offsets[i + 1] - 1) : slotDay;
            Expression<Func<Permit, bool>> due = p => p.Status == PermitStatus.Issued && p.RenewedById == null
                && p.ExpiresOn < upper && p.ExpiresOn > lower && (p.ExpiryRemindedDays == null || p.ExpiryRemindedDays > days);
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
                // The soonest expiry first, in the order of the (Status, ExpiresOn) index: a batch
                // taken in no stated order is one EF Core warns of in the operator's log.
                var candidates = await db.Permits.AsNoTracking().Where(due).OrderBy(p => p.ExpiresOn).Select(p => p.Id).Take(Batch).ToListAsync(ct);
                if (candidates.Count == 0)
                {
                    break;
                }

                using (await gate.EnterAsync(ct, urgent: false))
                {
                    await using var tx = await db.Database.BeginTransactionAsync(ct);

                    // Mark first, then read what was marked. On PostgreSQL the marking locks the
                    // rows: a renewal, revocation or new expiry date saved meanwhile either came
                    // first (the permit is no longer due and is not marked) or waits for this
                    // transaction and then cancels the reminders it created.
                    await db.Permits.Where(p => candidates.Contains(p.Id)).Where(due)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.ExpiryRemindedDays, days), ct);
                    var batch = await db.Permits.AsNoTracking()
                        .Where(p => candidates.Contains(p.Id) && p.ExpiryRemindedDays == days && p.Status == PermitStatus.Issued
                            && p.RenewedById == null && p.ExpiresOn < upper && p.ExpiresOn > lower)
                        .Join(db.Contacts.AsNoTracking(), p => p.HolderContactId, c => c.Id, (p, c) => new { Permit = p, Holder = c })
                        .ToListAsync(ct);
                    var keys = batch.ToDictionary(x => x.Permit.Id, x => $"permit:{x.Permit.Id}:expiry:{x.Permit.ExpiresOn:yyyy-MM-dd}:{days}");
                    var keyList = keys.Values.ToList();
                    var existing = (await db.Notifications.Where(n => keyList.Contains(n.IdempotencyKey!)).Select(n => n.IdempotencyKey!).ToListAsync(ct))
                        .ToHashSet(StringComparer.Ordinal);
                    foreach (var x in batch.Where(x => !existing.Contains(keys[x.Permit.Id])))
                    {
                        var remaining = x.Permit.ExpiresOn!.Value.DayNumber - slotDay.DayNumber;
                        writer.Add(db, x.Holder, type, notices.ExpiryParams(x.Permit, x.Holder, remaining), now,
                            new NotificationOrigin(x.Permit.Id, dueAt, keys[x.Permit.Id]));
                        created++;
                    }

                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }

                if (candidates.Count < Batch)
                {
                    break;
                }
            }
        }

        if (created > 0)
        {
            writer.Wake();
        }

        return new JobOutcome(created, $"{created} expiry reminder(s) going out {JobText.Day(slotDay)}");
    }
}
