using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/notifications</c>: the notification log, newest first, filtered by type, state, channel, reason, period and contact.</summary>
public sealed class NotificationsModel(KabarDbContext db, Microsoft.Extensions.Options.IOptions<Common.PolicyOptions> policy) : AdminPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Contact { get; set; }

    /// <summary>Keyset cursor: the creation ticks and id of the last row shown.</summary>
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public string? Next { get; private set; }

    public static IReadOnlyCollection<string> Types => NotificationCatalog.All.Select(t => t.Name).ToList();

    public static IReadOnlyCollection<string> States => EnumText<NotificationState>.All;

    public static IReadOnlyCollection<string> Channels => EnumText<Channel>.All;

    public static IReadOnlyCollection<string> Reasons => EnumText<DecisionReason>.All;

    public sealed record Row(Guid Id, DateTime CreatedAt, string Type, NotificationState State, Channel Channel, string? Reason,
        Guid? ContactId, string? Phone, string? LastError);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.Notifications.AsNoTracking();
        if (!string.IsNullOrEmpty(Type))
        {
            q = q.Where(n => n.Type == Type);
        }

        if (EnumText<NotificationState>.TryParse(State, out var state) && !string.IsNullOrEmpty(State))
        {
            q = q.Where(n => n.State == state);
        }

        if (EnumText<Channel>.TryParse(Channel, out var channel) && !string.IsNullOrEmpty(Channel))
        {
            q = q.Where(n => n.Channel == channel);
        }

        if (!string.IsNullOrEmpty(Reason))
        {
            q = q.Where(n => n.Reason == Reason);
        }

        if (Contact is { } contact)
        {
            q = q.Where(n => n.ContactId == contact);
        }

        // Days are the office's days, as on the dashboard.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        if (From is { } from)
        {
            var start = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
            q = q.Where(n => n.CreatedAt >= start);
        }

        if (To is { } to)
        {
            var end = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
            q = q.Where(n => n.CreatedAt < end);
        }

        // The page in the database's own order (the keyset relies on it), then the phones in one query.
        var page = await q.Page(n => n.CreatedAt, n => n.Id, KeysetCursor.TryParse(After, out var after) ? after : null, PageSize)
            .Select(n => new { n.Id, n.CreatedAt, n.Type, n.State, n.Channel, n.Reason, n.ContactId, n.LastError })
            .ToListAsync(ct);
        var ids = page.Where(n => n.ContactId != null).Select(n => n.ContactId!.Value).Distinct().ToList();
        var phonesById = await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Phone }).ToDictionaryAsync(c => c.Id, c => c.Phone, ct);
        var rows = page.Select(n => new Row(n.Id, n.CreatedAt, n.Type, n.State, n.Channel, n.Reason, n.ContactId,
            n.ContactId is { } c ? phonesById.GetValueOrDefault(c) : null, n.LastError)).ToList();
        (Rows, Next) = KeysetPaging.Cut(rows, PageSize, r => new KeysetCursor(r.CreatedAt, r.Id));
    }

    public string NextUrl() =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["type"] = Type,
            ["state"] = State,
            ["channel"] = Channel,
            ["reason"] = Reason,
            ["from"] = ConsoleDateBinder.Show(From),
            ["to"] = ConsoleDateBinder.Show(To),
            ["contact"] = Contact?.ToString(),
            ["after"] = Next,
        }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();
}
