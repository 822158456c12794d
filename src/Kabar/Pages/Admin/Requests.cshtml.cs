using Kabar.Admin;
using Kabar.Common;
using Kabar.Data;
using Kabar.Privacy;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/requests</c>: the register of data subject requests (UU PDP Art. 6–8), newest first,
/// with who asked, when the person asked, when Kabar answered and how. Admins only: it is the
/// data protection officer's record, and names the staff who acted.
/// </summary>
public sealed class RequestsModel(KabarDbContext db, TimeProvider time) : AdminPageModel
{
    /// <summary>UU PDP Art. 30(1) (rectification) and Art. 32(2) (access) give the controller 3 × 24 hours from the request.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromHours(72);

    public IReadOnlyList<DataSubjectRequest> Items { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }

    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        Now = time.GetUtcNow().UtcDateTime;
        var q = db.DataSubjectRequests.AsNoTracking();
        if (Kind is not null && EnumText<DataSubjectRequestKind>.TryParse(Kind, out var kind))
        {
            q = q.Where(r => r.Kind == kind);
        }

        Items = await q.OrderByDescending(r => r.AnsweredAt).ThenByDescending(r => r.Id).Take(200).ToListAsync(ct);
        return Page();
    }

    public static bool Late(DataSubjectRequest r) => r.AnsweredAt - r.ReceivedAt > Deadline;
}
