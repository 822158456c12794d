using Kabar.Data;
using Kabar.Jobs;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Permits;

/// <summary>
/// <c>document-reminders</c>: once a working day, reminds each staff member of the documents
/// waiting for their signature longer than <see cref="PermitOptions.DocumentReminderAfter"/>,
/// one notice per permit (SPEC §5 <c>document_reminder</c>, §9).
/// </summary>
internal sealed class DocumentReminders(IServiceScopeFactory scopes, WorkCalendar calendar, IOptions<PermitOptions> options,
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
