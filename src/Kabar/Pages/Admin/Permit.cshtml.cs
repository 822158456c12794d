using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/permits/{id}</c>: one permit — its status and dates, the documents waiting for a
/// signature or an approval and on whom, and every notice it caused. Staff and officials reach it
/// from the links in <c>document_pending</c>, <c>approval_required</c> and <c>document_reminder</c>.
/// </summary>
public sealed class PermitModel(KabarDbContext db) : AdminPageModel
{
    public Kabar.Permits.Permit Item { get; private set; } = null!;

    public Contact? Holder { get; private set; }

    public IReadOnlyList<(PermitDocument Document, Contact? Assignee)> Documents { get; private set; } = [];

    public IReadOnlyList<Notification> Notices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var permit = await db.Permits.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (permit is null)
        {
            return NotFound();
        }

        Item = permit;
        Holder = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == permit.HolderContactId, ct);
        var documents = await db.PermitDocuments.AsNoTracking().Where(d => d.PermitId == id).OrderBy(d => d.PendingSince).ToListAsync(ct);
        var people = documents.Select(d => d.AssigneeContactId).Distinct().ToList();
        var assignees = await db.Contacts.AsNoTracking().Where(c => people.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        Documents = documents.Select(d => (d, assignees.GetValueOrDefault(d.AssigneeContactId))).ToList();
        Notices = await db.Notifications.AsNoTracking().Where(n => n.PermitId == id).OrderByDescending(n => n.CreatedAt).Take(100).ToListAsync(ct);
        return Page();
    }
}
