using Kabar.Data;
using Kabar.Decisions;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Notifications;

/// <summary>
/// The portfolio messaging limit (SPEC §1, §6): unique people reached with business-initiated
/// messages outside a customer service window in a moving 24 hours, shared by all numbers.
/// A person already reached in the period costs nothing more.
/// </summary>
public sealed class MessagingReach
{
    private readonly int? limit;
    private readonly HashSet<Guid> reached;
    private int count;

    private MessagingReach(int? limit, HashSet<Guid> reached, int count, DateTime nextFreeAt)
    {
        this.limit = limit;
        this.reached = reached;
        this.count = count;
        NextFreeAt = nextFreeAt;
    }

    /// <summary>When the oldest reach leaves the 24-hour period.</summary>
    public DateTime NextFreeAt { get; }

    public static int? ParseLimit(string setting) =>
        string.Equals(setting, "unlimited", StringComparison.OrdinalIgnoreCase) ? null : int.Parse(setting, System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<MessagingReach> LoadAsync(KabarDbContext db, string setting, IReadOnlyCollection<Guid> contactIds,
        DateTime now, CancellationToken ct)
    {
        var limit = ParseLimit(setting);
        if (limit is null)
        {
            return new MessagingReach(null, [], 0, now);
        }

        var since = now - TimeSpan.FromHours(24);
        var counted = db.DeliveryAttempts.Where(a => a.CountsAgainstLimit && a.CreatedAt > since && a.ContactId != null
            && !(a.Status == AttemptStatus.Failed && a.ProviderMessageId == null) && a.Channel == Channel.WhatsApp);
        var count = await counted.Select(a => a.ContactId).Distinct().CountAsync(ct);
        var reached = (await counted.Where(a => contactIds.Contains(a.ContactId!.Value)).Select(a => a.ContactId!.Value).Distinct().ToListAsync(ct))
            .ToHashSet();
        var oldest = count >= limit ? await counted.MinAsync(a => (DateTime?)a.CreatedAt, ct) : null;
        return new MessagingReach(limit, reached, count, (oldest ?? now) + TimeSpan.FromHours(24));
    }

    public bool CanReach(Guid contactId) => limit is null || reached.Contains(contactId) || count < limit;

    public void Add(Guid contactId, bool counts)
    {
        if (counts && reached.Add(contactId))
        {
            count++;
        }
    }
}
