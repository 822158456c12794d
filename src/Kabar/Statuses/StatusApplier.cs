using System.Linq.Expressions;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Statuses;

/// <summary>
/// Applies WhatsApp status webhooks to attempts (SPEC §6): matched by the attempt id echoed in
/// <c>biz_opaque_callback_data</c>, else by wamid; forward only; each (wamid, status) once (the
/// events are stored once per pair); <c>failed</c> goes through the error table. Run by
/// <see cref="StatusWorker"/> right after webhooks store the statuses.
/// </summary>
internal sealed class StatusApplier(KabarDbContext db, NotificationFlow flow, WriteGate gate)
{
    /// <summary>
    /// Applies the statuses to the attempts they name and their notices, and marks each applied.
    /// Returns the writes that must commit with them (null when the context's own save writes
    /// everything): a batch of <c>sent</c>, <c>delivered</c> and <c>read</c> only is worked out on
    /// untracked rows (<see cref="AppliedRows"/>); one with a <c>failed</c>, which may fall back,
    /// hold the number or touch consent, on tracked ones, saved with the context.
    /// </summary>
    private async Task<Func<CancellationToken, Task>?> ApplyAsync(List<WhatsAppStatusEvent> events, DateTime now, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return null;
        }

        // A batch without a failure reads only the fields its statuses may read or change
        // (AppliedRows): a notice's parameters, body and decision are most of its row, and
        // reading them for every status cost a twentieth of the process's time while sending.
        var tracked = events.Any(e => e.Status == "failed");
        var attempts = await AttemptsAsync(events, tracked ? null : AppliedRows.AttemptRead, ct);
        if (attempts.Count == 0)
        {
            return null;
        }

        var byId = attempts.ToDictionary(a => a.Id);
        var byWamid = attempts.Where(a => a.ProviderMessageId != null).GroupBy(a => a.ProviderMessageId!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var notificationIds = attempts.Select(a => a.NotificationId).Distinct().ToList();
        var noticeRows = db.Notifications.AsNoTracking().Where(n => EF.Parameter(notificationIds).Contains(n.Id));
        var notifications = await (tracked ? noticeRows : noticeRows.Select(AppliedRows.NoticeRead)).ToDictionaryAsync(n => n.Id, ct);

        AppliedRows? rows = null;
        if (tracked)
        {
            db.DeliveryAttempts.AttachRange(attempts);
            db.Notifications.AttachRange(notifications.Values);
        }
        else
        {
            rows = new AppliedRows();
            attempts.ForEach(rows.Read);
            foreach (var n in notifications.Values)
            {
                rows.Read(n);
            }
        }

        foreach (var e in events.OrderBy(e => Order(e.Status)).ThenBy(e => e.OccurredAt))
        {
            var attempt = Guid.TryParse(e.BizOpaqueCallbackData, out var id) && byId.TryGetValue(id, out var a1) ? a1
                : byWamid.GetValueOrDefault(e.Wamid);
            if (attempt is null || attempt.Channel != Channel.WhatsApp)
            {
                continue;
            }

            var n = notifications[attempt.NotificationId];
            if (e.Status == "failed")
            {
                Note(attempt, e);
                await flow.WhatsAppFailedAsync(n, attempt, e.ErrorCode, e.ErrorTitle, null, e.OccurredAt, now, ct);
            }
            else
            {
                Move(attempt, n, e, now);
            }

            e.AppliedAt = now;
        }

        return rows?.Writes(db, attempts, notifications.Values);
    }

    /// <summary>
    /// Applies a <c>sent</c>, <c>delivered</c> or <c>read</c> status (any but <c>failed</c>) to its
    /// attempt and notice: only <see cref="AppliedRows.AttemptFields"/> and
    /// <see cref="AppliedRows.NoticeFields"/> may change, which is all <see cref="AppliedRows"/> writes.
    /// </summary>
    internal void Move(DeliveryAttempt attempt, Notification n, WhatsAppStatusEvent e, DateTime now)
    {
        Note(attempt, e);
        if (Map(e.Status) is { } status && flow.Advance(attempt, status, e.OccurredAt, now))
        {
            flow.Progress(n, attempt, now);
        }
    }

    /// <summary>What every status says of its message: its wamid and how it is priced.</summary>
    private static void Note(DeliveryAttempt attempt, WhatsAppStatusEvent e)
    {
        attempt.ProviderMessageId ??= e.Wamid;
        if (e.Billable is { } billable)
        {
            attempt.Billable = billable;
        }

        if (e.PricingCategory is { } category)
        {
            attempt.PricingCategory = category;
        }
    }

    /// <summary>
    /// The attempts the statuses name: by the attempt id echoed in <c>biz_opaque_callback_data</c>,
    /// and by wamid only for the statuses that echo none Kabar knows (Kabar's own sends echo it), so a
    /// batch costs one index lookup per attempt instead of two.
    /// </summary>
    private async Task<List<DeliveryAttempt>> AttemptsAsync(IReadOnlyList<WhatsAppStatusEvent> events,
        Expression<Func<DeliveryAttempt, DeliveryAttempt>>? fields, CancellationToken ct)
    {
        var ids = events.Select(e => Guid.TryParse(e.BizOpaqueCallbackData, out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).Distinct().ToList();
        var attempts = ids.Count == 0 ? [] : await Read(db.DeliveryAttempts.AsNoTracking().Where(a => EF.Parameter(ids).Contains(a.Id)), fields).ToListAsync(ct);
        var found = attempts.Select(a => a.Id).ToHashSet();
        var wamids = events.Where(e => !(Guid.TryParse(e.BizOpaqueCallbackData, out var g) && found.Contains(g)))
            .Select(e => e.Wamid).Distinct().ToList();
        if (wamids.Count > 0)
        {
            var byWamid = await Read(db.DeliveryAttempts.AsNoTracking()
                .Where(a => a.ProviderMessageId != null && EF.Parameter(wamids).Contains(a.ProviderMessageId)), fields).ToListAsync(ct);
            attempts.AddRange(byWamid.Where(a => found.Add(a.Id)));
        }

        return attempts;
    }

    /// <summary>The rows whole, or only <paramref name="fields"/> of each.</summary>
    private static IQueryable<T> Read<T>(IQueryable<T> rows, Expression<Func<T, T>>? fields) =>
        fields is null ? rows : rows.Select(fields);

    /// <summary>
    /// Applies stored statuses not yet applied, oldest first, in one transaction. On PostgreSQL
    /// the batch is claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several processes share the
    /// work without applying a status twice. A status whose attempt is unknown stays for the
    /// next round (its send may not be recorded yet) and is given up after ten minutes; the
    /// caller walks on past it with <paramref name="afterId"/> so it cannot hold newer ones up.
    /// Returns how many were taken and the last id taken.
    /// </summary>
    public async Task<(int Taken, long LastId)> ApplyPendingAsync(DateTime now, int batch, long afterId, CancellationToken ct)
    {
        var since = now - TimeSpan.FromDays(1);
        if (!db.Database.IsNpgsql())
        {
            // SQLite has one writer: the batch is read and worked out beside the other writers and
            // only its writes take the write turn, so webhook intake and sending never wait behind
            // the reading. A dispatcher pass that changed the same attempt or notice meanwhile
            // shows as a version conflict, and the batch is worked out again.
            var pending = await db.WhatsAppStatusEvents.AsNoTracking()
                .Where(e => e.AppliedAt == null && e.ReceivedAt > since && e.Id > afterId)
                .OrderBy(e => e.Id).Take(batch).ToListAsync(ct);
            if (pending.Count == 0)
            {
                return (0, afterId);
            }

            var moved = await ApplyAsync(pending, now, ct);
            GiveUpStale(pending, now);
            var last = pending[^1].Id;
            await db.SaveChangesInTurnAsync(gate, ct, urgent: false, Both(moved, MarkApplied(pending, now)));
            return (pending.Count, last);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Database.SqlQuery<long>($"""
            SELECT "Id" AS "Value" FROM "WhatsAppStatusEvents"
            WHERE "AppliedAt" IS NULL AND "ReceivedAt" > {since} AND "Id" > {afterId}
            ORDER BY "Id" LIMIT {batch}
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return (0, afterId);
        }

        var events = await db.WhatsAppStatusEvents.AsNoTracking().Where(e => EF.Parameter(ids).Contains(e.Id)).ToListAsync(ct);
        var writes = await ApplyAsync(events, now, ct);
        GiveUpStale(events, now);
        // The gate is open on PostgreSQL; the rows go in one batch.
        await db.SaveChangesInTurnAsync(gate, ct, urgent: false, Both(writes, MarkApplied(events, now)));
        await tx.CommitAsync(ct);
        return (ids.Count, ids.Max());
    }

    /// <summary>
    /// Marks the statuses applied (or given up) with one statement, in the save's transaction, so
    /// a status never shows as applied without what it moved. The rows are read untracked: a
    /// thousand tracked rows, each written by an UPDATE of its own to change one column, cost a
    /// tenth to a fifth of the batch's time.
    /// </summary>
    private Func<CancellationToken, Task>? MarkApplied(List<WhatsAppStatusEvent> events, DateTime now)
    {
        var ids = events.Where(e => e.AppliedAt is not null).Select(e => e.Id).ToList();
        return ids.Count == 0
            ? null
            : async ct => await db.WhatsAppStatusEvents.Where(e => EF.Parameter(ids).Contains(e.Id))
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.AppliedAt, now), ct);
    }

    private static Func<CancellationToken, Task>? Both(Func<CancellationToken, Task>? first, Func<CancellationToken, Task>? then) =>
        first is null ? then
        : then is null ? first
        : async ct =>
        {
            await first(ct);
            await then(ct);
        };

    /// <summary>A status whose attempt is still unknown after ten minutes is not Kabar's to apply.</summary>
    private static void GiveUpStale(List<WhatsAppStatusEvent> events, DateTime now)
    {
        foreach (var e in events.Where(e => e.AppliedAt is null && e.ReceivedAt < now - TimeSpan.FromMinutes(10)))
        {
            e.AppliedAt = now;
        }
    }

    private static AttemptStatus? Map(string status) => status switch
    {
        "sent" => AttemptStatus.Sent,
        "delivered" => AttemptStatus.Delivered,
        "read" or "played" => AttemptStatus.Read,
        _ => null,
    };

    private static int Order(string status) => status switch
    {
        "sent" => 0,
        "delivered" => 1,
        "read" or "played" => 2,
        _ => 3,
    };
}
