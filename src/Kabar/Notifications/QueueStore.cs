using System.Runtime.CompilerServices;
using Kabar.Data;
using Kabar.Decisions;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Notifications;

/// <summary>
/// The queue's raw SQL, one statement per provider (STYLE 12, 17). PostgreSQL claims with
/// <c>FOR UPDATE SKIP LOCKED</c> so concurrent dispatchers never wait on, or take, each other's
/// rows; SQLite has one writer at a time, so the single UPDATE is the write transaction.
/// </summary>
internal static class QueueStore
{
    /// <summary>The states a due notification is claimed from.</summary>
    private static readonly string[] ClaimableStates = ["queued", "scheduled", "sending"];

    /// <summary>Claims due notifications of one business number under a lease; expired leases are taken over.</summary>
    public static Task<List<Guid>> ClaimAsync(KabarDbContext db, string phoneNumberId, DateTime now, int limit,
        DateTime leaseUntil, string holder, CancellationToken ct)
    {
        // One ordered range of (PhoneNumberId, State, DueAt) per state, each stopping after `limit`
        // rows: with State IN (…) both databases read and sort every due row of the number
        // (20,000 of a backlog: 13–36 ms a claim on PostgreSQL). On PostgreSQL an arm may lock
        // rows the outer LIMIT drops; the statement is its own transaction, so they are free
        // again when it ends.
        var lockRows = db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : "";
        var arms = string.Join("\n    UNION ALL\n", ClaimableStates.Select((state, i) => $$"""
                SELECT * FROM (
                    SELECT "Id", "DueAt" FROM "Notifications"
                    WHERE "PhoneNumberId" = {2} AND "State" = '{{state}}'
                      AND "DueAt" <= {3} AND ("LockedUntil" IS NULL OR "LockedUntil" < {3})
                    ORDER BY "DueAt" LIMIT {4}{{lockRows}}) arm{{i}}
            """));
        var sql = FormattableStringFactory.Create($$"""
            UPDATE "Notifications" SET "LockedUntil" = {0}, "LockedBy" = {1}, "Version" = "Version" + 1
            WHERE "Id" IN (
                SELECT "Id" FROM (
            {{arms}}) due
                ORDER BY "DueAt"
                LIMIT {4})
            RETURNING "Id" AS "Value"
            """, leaseUntil, holder, phoneNumberId, now, limit);
        return db.Database.SqlQuery<Guid>(sql).ToListAsync(ct);
    }

    /// <summary>
    /// Takes or renews a business number's sending lease: one dispatcher per number at a time
    /// across every process on the database, so together they keep the number's rate.
    /// Returns the number's row as it was before (with the previous holder and lease end) when
    /// this process now holds the lease, else null.
    /// </summary>
    public static async Task<SenderNumber?> HoldSenderAsync(KabarDbContext db, string phoneNumberId, string holder,
        DateTime now, TimeSpan lease, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var before = await db.SenderNumbers.AsNoTracking().FirstOrDefaultAsync(s => s.PhoneNumberId == phoneNumberId, ct);
            var until = now + lease;
            var held = await db.SenderNumbers
                .Where(s => s.PhoneNumberId == phoneNumberId && (s.LeaseHolder == holder || s.LeaseUntil == null || s.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseHolder, holder).SetProperty(x => x.LeaseUntil, until)
                    .SetProperty(x => x.LeaseEpoch, x => x.LeaseHolder == holder ? x.LeaseEpoch : x.LeaseEpoch + 1), ct);
            if (held == 1)
            {
                // Taken. A row that was not there when read was registered meanwhile by another
                // process, which held nothing yet: this process took the number from nobody. Were
                // its own row returned, it would look already held, and its lease's departure mark
                // never started (every pass then failed until the lease was lost).
                return before ?? new SenderNumber { PhoneNumberId = phoneNumberId };
            }

            if (before is not null)
            {
                return null;
            }

            db.SenderNumbers.Add(new SenderNumber { PhoneNumberId = phoneNumberId });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                // Another process registered the number first.
            }

            db.ChangeTracker.Clear();
        }

        return null;
    }

    /// <summary>Hands claimed notifications back at once (a pass that could not plan them), instead of after the claim's lease.</summary>
    public static Task UnclaimAsync(KabarDbContext db, List<Guid> ids, string holder, CancellationToken ct) =>
        db.Notifications.Where(n => ids.Contains(n.Id) && n.LockedBy == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, (DateTime?)null).SetProperty(n => n.LockedBy, (string?)null)
                .SetProperty(n => n.Version, n => n.Version + 1), ct);

    /// <summary>
    /// Frees the claims a previous holder of the number left behind, once its sending lease ran
    /// out and this process took the number over: without this they wait for their own lease
    /// (<c>ClaimLease</c>, 2 min) before anyone looks at them. Safe while that holder might still
    /// be alive (stalled past its lease): its pass writes its pending attempts with the rows'
    /// versions, which this bumps, so it cannot send a notice freed here; a notice whose pending
    /// attempt it did commit first is claimed again with that attempt and waits in the
    /// unknown-outcome grace, as after any crash.
    /// </summary>
    public static Task<int> FreeClaimsAsync(KabarDbContext db, string phoneNumberId, string previousHolder, CancellationToken ct) =>
        // The claimable states name the (PhoneNumberId, State, DueAt) index's ranges; only they carry claims.
        db.Notifications.Where(n => n.PhoneNumberId == phoneNumberId
                && (n.State == NotificationState.Queued || n.State == NotificationState.Scheduled || n.State == NotificationState.Sending)
                && n.LockedBy == previousHolder)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, (DateTime?)null).SetProperty(n => n.LockedBy, (string?)null)
                .SetProperty(n => n.Version, n => n.Version + 1), ct);

    /// <summary>
    /// Gives the sending lease up (shutdown), so another process need not wait for it to expire.
    /// The lease end is kept as "now": a successor still waits one second after it.
    /// </summary>
    public static Task ReleaseSenderAsync(KabarDbContext db, string phoneNumberId, string holder, DateTime now, CancellationToken ct) =>
        db.SenderNumbers.Where(s => s.PhoneNumberId == phoneNumberId && s.LeaseHolder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, now), ct);

    /// <summary>
    /// Writes the number's departure mark (<see cref="SenderNumber.ReleasedUntil"/>) while
    /// <paramref name="holder"/> holds its lease in <paramref name="epoch"/>: 1 when written, 0 when
    /// another process took the number since (even if this one took it back).
    /// </summary>
    public static Task<int> MarkReleasedAsync(KabarDbContext db, string phoneNumberId, string holder, int epoch, DateTime until,
        CancellationToken ct) =>
        db.SenderNumbers.Where(s => s.PhoneNumberId == phoneNumberId && s.LeaseHolder == holder && s.LeaseEpoch == epoch)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ReleasedUntil, until), ct);

    /// <summary>Essential notices not delivered on WhatsApp in time go by SMS/e-mail (SPEC §6): queued again for the fallback.</summary>
    public static Task<int> SweepOverdueAsync(KabarDbContext db, string phoneNumberId, DateTime now, CancellationToken ct) =>
        db.Notifications
            .Where(n => n.PhoneNumberId == phoneNumberId && n.State == NotificationState.Sent && n.FallbackDueAt <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.FallbackReason, "not_delivered_in_time")
                .SetProperty(n => n.FallbackDueAt, (DateTime?)null)
                .SetProperty(n => n.State, NotificationState.Queued)
                .SetProperty(n => n.DueAt, now)
                .SetProperty(n => n.UpdatedAt, now)
                .SetProperty(n => n.Version, n => n.Version + 1), ct);

    /// <summary>Hands the unfinished notifications of business numbers not in <paramref name="numbers"/> to the first of them.</summary>
    public static Task<int> AdoptOrphansAsync(KabarDbContext db, List<string> numbers, CancellationToken ct)
    {
        var first = numbers[0];
        return db.Notifications
            .Where(n => !numbers.Contains(n.PhoneNumberId) && (n.State == NotificationState.Queued
                || n.State == NotificationState.Scheduled || n.State == NotificationState.Sending || n.State == NotificationState.Sent))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.PhoneNumberId, first).SetProperty(n => n.Version, n => n.Version + 1), ct);
    }

    /// <summary>Each person's last WhatsApp message since <paramref name="since"/> that reached Meta (the pair rate, SPEC §1).</summary>
    public static async Task<Dictionary<Guid, DateTime>> LastWhatsAppAsync(KabarDbContext db, List<Guid> contactIds, DateTime since,
        CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // Each person's newest WhatsApp attempt through (ContactId, Channel, CreatedAt), read
            // backwards. The time bound is applied to the result, not in the lookup: with it there,
            // statistics made stale by a burst let PostgreSQL walk the CreatedAt index instead (a
            // join took 6–10 ms, a max() per person 150–1,500 ms).
            return await db.Database.SqlQuery<LastSend>($"""
                SELECT c.id AS "ContactId", m.last AS "Last"
                FROM unnest({contactIds}) AS c(id)
                CROSS JOIN LATERAL (
                    SELECT a."CreatedAt" AS last FROM "DeliveryAttempts" a
                    WHERE a."ContactId" = c.id AND a."Channel" = 'whatsapp'
                      AND (a."Status" <> 'failed' OR a."ProviderMessageId" IS NOT NULL)
                    ORDER BY a."CreatedAt" DESC
                    LIMIT 1) m
                WHERE m.last > {since}
                """).ToDictionaryAsync(x => x.ContactId, x => x.Last, ct);
        }

        return await db.DeliveryAttempts
            .Where(a => a.ContactId != null && contactIds.Contains(a.ContactId.Value) && a.Channel == Channel.WhatsApp && a.CreatedAt > since
                && !(a.Status == AttemptStatus.Failed && a.ProviderMessageId == null)) // refused outright: nothing reached the person
            .GroupBy(a => a.ContactId!.Value)
            .Select(g => new { g.Key, Last = g.Max(a => a.CreatedAt) })
            .ToDictionaryAsync(x => x.Key, x => x.Last, ct);
    }

    private sealed record LastSend(Guid ContactId, DateTime Last);
}
