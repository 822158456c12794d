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
public sealed class ExpiryReminders(IServiceScopeFactory scopes, WorkCalendar calendar, IOptions<PermitOptions> options,
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
                var candidates = await db.Permits.AsNoTracking().Where(due).Select(p => p.Id).Take(Batch).ToListAsync(ct);
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

/// <summary>
/// <c>document-reminders</c>: once a working day, reminds each staff member of the documents
/// waiting for their signature longer than <see cref="PermitOptions.DocumentReminderAfter"/>,
/// one notice per permit (SPEC §5 <c>document_reminder</c>, §9).
/// </summary>
public sealed class DocumentReminders(IServiceScopeFactory scopes, WorkCalendar calendar, IOptions<PermitOptions> options,
    NotificationWriter writer, PermitNotices notices, WriteGate gate)
{
    public const string Name = "document-reminders";

    public async Task<JobOutcome> RunAsync(DateTime now, CancellationToken ct)
    {
        var today = calendar.LocalDate(now);
        var (slotDay, dueAt) = calendar.NextSlot(now);
        if (slotDay != today)
        {
            return new JobOutcome(0, $"{JobText.Day(today)} is not a working day, or the office has closed");
        }

        var threshold = now - options.Value.DocumentReminderAfter;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var groups = await db.PermitDocuments.AsNoTracking()
            .Where(d => d.DoneAt == null && d.Role == AssigneeRole.Staff && d.PendingSince <= threshold)
            .Join(db.Permits.AsNoTracking().Where(p => p.Status != PermitStatus.Rejected && p.Status != PermitStatus.Revoked),
                d => d.PermitId, p => p.Id, (d, p) => d)
            .GroupBy(d => new { d.PermitId, d.AssigneeContactId })
            .Select(g => new { g.Key.PermitId, g.Key.AssigneeContactId, Count = g.Count(), Oldest = g.Min(d => d.PendingSince) })
            .ToListAsync(ct);
        if (groups.Count == 0)
        {
            return new JobOutcome(0, "no documents waiting over the threshold");
        }

        var permitIds = groups.Select(g => g.PermitId).Distinct().ToList();
        var permits = await db.Permits.AsNoTracking().Where(p => permitIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var contactIds = groups.Select(g => g.AssigneeContactId).Concat(permits.Values.Select(p => p.HolderContactId)).Distinct().ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var day = slotDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var type = PermitNotices.Type(PermitNotices.DocumentReminder);
        var created = 0;
        using (await gate.EnterAsync(ct, urgent: false))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var keys = groups.Select(g => $"permit:{g.PermitId}:document-reminder:{g.AssigneeContactId}:{day}").ToList();
            var existing = (await db.Notifications.Where(n => keys.Contains(n.IdempotencyKey!)).Select(n => n.IdempotencyKey!).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var g in groups)
            {
                var key = $"permit:{g.PermitId}:document-reminder:{g.AssigneeContactId}:{day}";
                if (existing.Contains(key))
                {
                    continue;
                }

                var permit = permits[g.PermitId];
                var staff = contacts[g.AssigneeContactId];
                var parameters = new Dictionary<string, string>(notices.PendingParams(permit, contacts[permit.HolderContactId], g.Count))
                {
                    ["pending_for"] = PermitNotices.PendingFor(now - g.Oldest, staff.Language),
                };
                parameters.Remove("registration_id");
                writer.Add(db, staff, type, parameters, now, new NotificationOrigin(permit.Id, dueAt, key));
                created++;
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (created > 0)
        {
            writer.Wake();
        }

        return new JobOutcome(created, $"{created} document reminder(s)");
    }
}

internal static class JobText
{
    /// <summary>A day as "26 Nov 2026": logs mask digit runs that look like phone numbers, as 2026-11-26 does.</summary>
    public static string Day(DateOnly day) => day.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
