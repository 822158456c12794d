using Kabar.Admin;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/users</c> (admins only): the people who use the console. An admin adds one (a generated
/// password, shown once), changes a role, disables and enables again, and gives a new password to
/// someone who lost theirs. The rules are <see cref="ConsoleAccounts"/>'.
/// </summary>
public sealed class UsersModel(KabarDbContext db, ConsoleAccounts accounts) : AdminPageModel
{
    /// <summary>The roles as the forms offer them: from the least to the most.</summary>
    public static readonly IReadOnlyList<string> Roles = [OperatorRoles.Viewer, OperatorRoles.Operator, OperatorRoles.Admin];

    public IReadOnlyList<ConsoleUser> Everyone { get; private set; } = [];

    [BindProperty] public string? Email { get; set; }

    [BindProperty] public string? Role { get; set; }

    public string? Error { get; private set; }

    /// <summary>The account the error belongs to; null for the form that adds one.</summary>
    public Guid? ErrorFor { get; private set; }

    public string? Done { get; private set; }

    /// <summary>A generated password and whose it is, shown on this answer only.</summary>
    public (string Email, string Password)? Shown { get; private set; }

    public Guid? MyId => AdminAuth.OperatorId(User);

    /// <summary>The role the form that adds a user offers: the one just refused, else viewer (the least).</summary>
    public string NewRole => ErrorFor is null && Role is not null && OperatorRoles.All.Contains(Role) ? Role : OperatorRoles.Viewer;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        Done = Request.Query["done"].ToString() switch
        {
            "role" => L("Peran diubah. Sesi pengguna itu berakhir; peran baru berlaku saat ia masuk lagi.",
                "Role changed. That user's sessions ended; the new role applies when they sign in again."),
            "disabled" => L("Pengguna dinonaktifkan. Semua sesinya berakhir dan ia tidak dapat masuk.",
                "User disabled. All their sessions ended and they cannot sign in."),
            "enabled" => L("Pengguna diaktifkan lagi. Ia masuk dengan kata sandi yang sama.", "User enabled again. They sign in with the same password."),
            _ => null,
        };
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostAddAsync(CancellationToken ct) =>
        ActAsync(null, by => accounts.AddAsync(Email, Role, by, ct), null, ct);

    public Task<IActionResult> OnPostRoleAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, by => accounts.SetRoleAsync(id, Role, MyId ?? Guid.Empty, by, ct), "role", ct);

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, by => accounts.DisableAsync(id, MyId ?? Guid.Empty, by, ct), "disabled", ct);

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, by => accounts.EnableAsync(id, by, ct), "enabled", ct);

    public Task<IActionResult> OnPostResetAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, by => accounts.ResetPasswordAsync(id, MyId ?? Guid.Empty, by, ct), null, ct);

    /// <summary>
    /// Admins only. A refusal shows the page again with its reason (404, 409 or 422); a generated
    /// password is shown on this answer, never in an address or a redirect; anything else goes
    /// back to the list with what was done.
    /// </summary>
    private async Task<IActionResult> ActAsync(Guid? id, Func<string, Task<AccountResult>> act, string? done, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var result = await act(OperatorEmail ?? "?");
        if (result.Refusal is { } why)
        {
            Error = Refusal(why);
            ErrorFor = id;
            Response.StatusCode = why switch
            {
                AccountRefusal.NotFound => StatusCodes.Status404NotFound,
                AccountRefusal.Exists or AccountRefusal.Self or AccountRefusal.LastAdmin => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status422UnprocessableEntity,
            };
        }
        else if (result.Password is { } password)
        {
            Shown = (result.User!.Email, password);
            Response.Headers.CacheControl = "no-store";
            Email = null;
            Role = null;
        }
        else
        {
            return LocalRedirect("/admin/users?done=" + done);
        }

        await LoadAsync(ct);
        return Page();
    }

    private string Refusal(AccountRefusal why) => why switch
    {
        AccountRefusal.BadEmail => L("Isi alamat email yang benar, misalnya nama@karokab.go.id.", "Enter a valid e-mail address, for example name@karokab.go.id."),
        AccountRefusal.Exists => L("Sudah ada pengguna dengan email ini.", "A user with this e-mail address already exists."),
        AccountRefusal.BadRole => L("Pilih peran: admin, petugas atau pembaca.", "Choose a role: admin, operator or viewer."),
        AccountRefusal.NotFound => L("Pengguna ini tidak ada lagi.", "This user no longer exists."),
        AccountRefusal.Self => L("Anda tidak dapat menurunkan peran, menonaktifkan atau mengganti kata sandi akun Anda sendiri di sini. Minta admin lain; kata sandi Anda diganti di halaman Akun.",
            "You cannot demote, disable or reset your own account here. Ask another admin; change your own password on the Account page."),
        AccountRefusal.LastAdmin => L("Konsol harus punya paling sedikit satu admin aktif. Jadikan pengguna lain admin dulu.",
            "The console must keep at least one active admin. Make another user an admin first."),
        _ => L("Perubahan ditolak.", "The change was refused."),
    };

    private async Task LoadAsync(CancellationToken ct) =>
        Everyone = await db.Operators.AsNoTracking().OrderBy(o => o.DisabledAt != null).ThenBy(o => o.Email).ToListAsync(ct);
}
