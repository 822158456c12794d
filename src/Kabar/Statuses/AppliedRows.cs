using System.Linq.Expressions;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Kabar.Statuses;

/// <summary>
/// What applying a batch of <c>sent</c>, <c>delivered</c> and <c>read</c> statuses changed in its
/// attempts and notices, written without EF Core's change tracking. Those statuses change a few
/// fields (<see cref="AttemptFields"/>, <see cref="NoticeFields"/>); the rows are read untracked,
/// each one's fields noted before the rules run (<see cref="NotificationFlow"/>, unchanged) and
/// compared after. Rows that changed the same fields to the same values from the same version
/// are written by one <c>UPDATE</c>, which checks that version as a tracked save would: a
/// dispatcher pass that changed one of them meanwhile makes the count come short, and the batch
/// is worked out again. Tracking a thousand attempts and notices, and comparing every field of
/// each to write a handful, cost about half of what applying them did.
/// </summary>
internal sealed class AppliedRows
{
    private readonly Dictionary<Guid, AttemptFields> attempts = [];
    private readonly Dictionary<Guid, NoticeFields> notices = [];

    /// <summary>
    /// What of an attempt a batch of <c>sent</c>, <c>delivered</c> and <c>read</c> statuses reads:
    /// its keys and version, the fields <see cref="StatusApplier.Move"/> and
    /// <see cref="NotificationFlow.Advance"/> read, and <see cref="AttemptFields"/>.
    /// </summary>
    public static readonly Expression<Func<DeliveryAttempt, DeliveryAttempt>> AttemptRead = a => new DeliveryAttempt
    {
        Id = a.Id,
        NotificationId = a.NotificationId,
        Channel = a.Channel,
        Status = a.Status,
        UpdatedAt = a.UpdatedAt,
        ProviderMessageId = a.ProviderMessageId,
        Billable = a.Billable,
        PricingCategory = a.PricingCategory,
        Version = a.Version,
    };

    /// <summary>
    /// What of a notice such a batch reads: its key and version, the fields
    /// <see cref="NotificationFlow.Progress"/> reads, and <see cref="NoticeFields"/>. The others
    /// (parameters, body, decision) keep their defaults and are never written from here.
    /// </summary>
    public static readonly Expression<Func<Notification, Notification>> NoticeRead = n => new Notification
    {
        Id = n.Id,
        CurrentAttemptId = n.CurrentAttemptId,
        Essential = n.Essential,
        FallbackReason = n.FallbackReason,
        State = n.State,
        Channel = n.Channel,
        LockedUntil = n.LockedUntil,
        LockedBy = n.LockedBy,
        UpdatedAt = n.UpdatedAt,
        FallbackDueAt = n.FallbackDueAt,
        Version = n.Version,
    };

    /// <summary>Notes an attempt's fields as read, before any status is applied to it.</summary>
    public void Read(DeliveryAttempt attempt) => attempts.TryAdd(attempt.Id, AttemptFields.Of(attempt));

    /// <summary>Notes a notice's fields as read, before any status is applied to it.</summary>
    public void Read(Notification notice) => notices.TryAdd(notice.Id, NoticeFields.Of(notice));

    /// <summary>
    /// The writes of every row whose fields changed, grouped; null when nothing changed. Runs in
    /// the caller's transaction and write turn.
    /// </summary>
    public Func<CancellationToken, Task>? Writes(KabarDbContext db, IEnumerable<DeliveryAttempt> applied, IEnumerable<Notification> noticesApplied)
    {
        var attemptGroups = applied
            .Select(a => (a.Id, Before: attempts[a.Id], After: AttemptFields.Of(a), a.Version))
            .Where(x => x.Before != x.After)
            .Select(x => (x.Id, Changed: AttemptFields.Changed(x.Before, x.After), x.After, x.Version))
            .GroupBy(x => (x.Changed, After: x.After.Only(x.Changed), x.Version), x => x.Id)
            .ToList();
        var noticeGroups = noticesApplied
            .Select(n => (n.Id, Before: notices[n.Id], After: NoticeFields.Of(n), n.Version))
            .Where(x => x.Before != x.After)
            .Select(x => (x.Id, Changed: NoticeFields.Changed(x.Before, x.After), x.After, x.Version))
            .GroupBy(x => (x.Changed, After: x.After.Only(x.Changed), x.Version), x => x.Id)
            .ToList();
        if (attemptGroups.Count == 0 && noticeGroups.Count == 0)
        {
            return null;
        }

        // Notices before attempts, as every save writes them (BatchSave): a dispatcher pass
        // recording the answers of the same sends then waits for this batch, or it for the pass,
        // instead of each holding what the other needs until PostgreSQL ends one as a deadlock.
        return async ct =>
        {
            foreach (var g in noticeGroups)
            {
                var ids = g.ToList();
                var (changed, after, version) = g.Key;
                var written = await db.Notifications.Where(n => EF.Parameter(ids).Contains(n.Id) && n.Version == version)
                    .ExecuteUpdateAsync(set => after.Set(set, changed), ct);
                Check(written, ids.Count, "notice");
            }

            foreach (var g in attemptGroups)
            {
                var ids = g.ToList();
                var (changed, after, version) = g.Key;
                var written = await db.DeliveryAttempts.Where(a => EF.Parameter(ids).Contains(a.Id) && a.Version == version)
                    .ExecuteUpdateAsync(set => after.Set(set, changed), ct);
                Check(written, ids.Count, "attempt");
            }
        };
    }

    private static void Check(int written, int expected, string what)
    {
        if (written != expected)
        {
            // Another writer moved one of the rows since the batch read it: nothing of the batch
            // is kept (the transaction rolls back) and it is worked out again from the rows as they are.
            throw new DbUpdateConcurrencyException(
                $"{expected - written} of {expected} {what} row(s) changed while their statuses were applied.");
        }
    }

    /// <summary>The fields of an attempt that applying a <c>sent</c>, <c>delivered</c> or <c>read</c> status may change.</summary>
    internal readonly record struct AttemptFields(AttemptStatus Status, DateTime UpdatedAt, string? ProviderMessageId, bool Billable, string? PricingCategory)
    {
        public static AttemptFields Of(DeliveryAttempt a) => new(a.Status, a.UpdatedAt, a.ProviderMessageId, a.Billable, a.PricingCategory);

        /// <summary>Which fields differ, one bit each in declaration order.</summary>
        public static int Changed(AttemptFields a, AttemptFields b) =>
            (a.Status != b.Status ? 1 : 0)
            | (a.UpdatedAt != b.UpdatedAt ? 2 : 0)
            | (!string.Equals(a.ProviderMessageId, b.ProviderMessageId, StringComparison.Ordinal) ? 4 : 0)
            | (a.Billable != b.Billable ? 8 : 0)
            | (!string.Equals(a.PricingCategory, b.PricingCategory, StringComparison.Ordinal) ? 16 : 0);

        /// <summary>The changed fields only, the others at their defaults: rows that changed the same fields to the same values are one group.</summary>
        public AttemptFields Only(int changed) => new(
            (changed & 1) != 0 ? Status : default,
            (changed & 2) != 0 ? UpdatedAt : default,
            (changed & 4) != 0 ? ProviderMessageId : null,
            (changed & 8) != 0 && Billable,
            (changed & 16) != 0 ? PricingCategory : null);

        /// <summary>Sets the changed fields, and the version one up as every save does.</summary>
        public void Set(UpdateSettersBuilder<DeliveryAttempt> set, int changed)
        {
            SetIf(set, changed & 1, a => a.Status, Status);
            SetIf(set, changed & 2, a => a.UpdatedAt, UpdatedAt);
            SetIf(set, changed & 4, a => a.ProviderMessageId, ProviderMessageId);
            SetIf(set, changed & 8, a => a.Billable, Billable);
            SetIf(set, changed & 16, a => a.PricingCategory, PricingCategory);
            set.SetProperty(a => a.Version, a => a.Version + 1);
        }
    }

    /// <summary>The fields of a notice that applying a <c>sent</c>, <c>delivered</c> or <c>read</c> status may change (<see cref="NotificationFlow.Progress"/>).</summary>
    internal readonly record struct NoticeFields(NotificationState State, Channel Channel, DateTime? LockedUntil, string? LockedBy, DateTime UpdatedAt, DateTime? FallbackDueAt)
    {
        public static NoticeFields Of(Notification n) => new(n.State, n.Channel, n.LockedUntil, n.LockedBy, n.UpdatedAt, n.FallbackDueAt);

        /// <summary>Which fields differ, one bit each in declaration order.</summary>
        public static int Changed(NoticeFields a, NoticeFields b) =>
            (a.State != b.State ? 1 : 0)
            | (a.Channel != b.Channel ? 2 : 0)
            | (a.LockedUntil != b.LockedUntil ? 4 : 0)
            | (!string.Equals(a.LockedBy, b.LockedBy, StringComparison.Ordinal) ? 8 : 0)
            | (a.UpdatedAt != b.UpdatedAt ? 16 : 0)
            | (a.FallbackDueAt != b.FallbackDueAt ? 32 : 0);

        /// <summary>The changed fields only, the others at their defaults: rows that changed the same fields to the same values are one group.</summary>
        public NoticeFields Only(int changed) => new(
            (changed & 1) != 0 ? State : default,
            (changed & 2) != 0 ? Channel : default,
            (changed & 4) != 0 ? LockedUntil : null,
            (changed & 8) != 0 ? LockedBy : null,
            (changed & 16) != 0 ? UpdatedAt : default,
            (changed & 32) != 0 ? FallbackDueAt : null);

        /// <summary>Sets the changed fields, and the version one up as every save does.</summary>
        public void Set(UpdateSettersBuilder<Notification> set, int changed)
        {
            SetIf(set, changed & 1, n => n.State, State);
            SetIf(set, changed & 2, n => n.Channel, Channel);
            SetIf(set, changed & 4, n => n.LockedUntil, LockedUntil);
            SetIf(set, changed & 8, n => n.LockedBy, LockedBy);
            SetIf(set, changed & 16, n => n.UpdatedAt, UpdatedAt);
            SetIf(set, changed & 32, n => n.FallbackDueAt, FallbackDueAt);
            set.SetProperty(n => n.Version, n => n.Version + 1);
        }
    }

    /// <summary>Sets one field when its bit of the changed fields is set (<paramref name="changedBit"/> not 0).</summary>
    private static void SetIf<TEntity, TValue>(UpdateSettersBuilder<TEntity> set, int changedBit,
        Expression<Func<TEntity, TValue>> field, TValue value)
        where TEntity : class
    {
        if (changedBit != 0)
        {
            set.SetProperty(field, value);
        }
    }
}
