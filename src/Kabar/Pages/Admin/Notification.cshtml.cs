using Kabar.Data;
using Kabar.Notifications;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/notifications/{id}</c>: why a notification went where it went — the decision, each attempt's history, errors, cost.</summary>
public sealed class NotificationModel(KabarDbContext db, IOptions<WhatsAppPriceOptions> prices) : AdminPageModel
{
    public NotificationResponse Item { get; private set; } = null!;

    public string? Phone { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var n = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (n is null)
        {
            return NotFound();
        }

        Item = (await NotificationsApi.ToResponsesAsync(db, [n], prices.Value, ct))[0];
        Phone = n.ContactId is { } c ? await db.Contacts.Where(x => x.Id == c).Select(x => x.Phone).FirstOrDefaultAsync(ct) : null;
        return Page();
    }
}
