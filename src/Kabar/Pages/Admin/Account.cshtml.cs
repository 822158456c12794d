using Kabar.Admin;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/account</c>: your account and second factor; for admins, the people who use the
/// console and whether two-step verification is required of everyone.
/// </summary>
public sealed class AccountModel(KabarDbContext db, OperatorStore operators, TimeProvider time) : AdminPageModel
{
    public ConsoleUser Me { get; private set; } = null!;

    public bool TwoFactorRequired { get; private set; }

    public IReadOnlyList<ConsoleUser> Everyone { get; private set; } = [];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : LocalRedirect("/admin/login");

    public async Task<IActionResult> OnPostRequireAsync(bool required, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        await operators.SetTwoFactorRequiredAsync(required, OperatorEmail ?? "?", ct);
        return LocalRedirect("/admin/account");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (AdminAuth.OperatorId(User) is not { } id || await operators.FindAsync(id, ct) is not { } me)
        {
            return false;
        }

        Me = me;
        TwoFactorRequired = await operators.TwoFactorRequiredAsync(ct);
        if (IsAdmin)
        {
            Everyone = await db.Operators.AsNoTracking().OrderBy(o => o.Email).ToListAsync(ct);
        }

        return true;
    }
}
