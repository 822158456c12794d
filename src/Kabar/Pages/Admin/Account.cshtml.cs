using Kabar.Admin;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/account</c>: your account, your password and second factor; for admins, the people who
/// use the console and whether two-step verification is required of everyone. Posts share the
/// per-address form limit of the sign-in page: the current password is guessed no faster here.
/// </summary>
[EnableRateLimiting(WebExtensions.FormsPolicy)]
public sealed class AccountModel(KabarDbContext db, OperatorStore operators, ConsoleAccounts accounts, TimeProvider time) : AdminPageModel
{
    public ConsoleUser Me { get; private set; } = null!;

    public bool TwoFactorRequired { get; private set; }

    public IReadOnlyList<ConsoleUser> Everyone { get; private set; } = [];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    [BindProperty] public string? CurrentPassword { get; set; }

    [BindProperty] public string? NewPassword { get; set; }

    [BindProperty] public string? ConfirmPassword { get; set; }

    public string? PasswordError { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Done = Request.Query["done"] == "password"
            ? L("Kata sandi diganti. Sesi Anda di perangkat lain berakhir.", "Password changed. Your sessions on other devices ended.")
            : null;
        return await LoadAsync(ct) ? Page() : LocalRedirect("/admin/login");
    }

    /// <summary>
    /// Changes your own password (the current one first). Every session of yours ends — a
    /// password is changed when it may be known to someone else — and this browser gets a new one.
    /// </summary>
    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (AdminAuth.OperatorId(User) is not { } id)
        {
            return LocalRedirect("/admin/login");
        }

        var result = await accounts.ChangeOwnPasswordAsync(id, CurrentPassword, NewPassword, ConfirmPassword, ct);
        CurrentPassword = NewPassword = ConfirmPassword = null;
        if (result.Done)
        {
            await AdminAuth.SignInAsync(HttpContext, operators, result.User!);
            return LocalRedirect("/admin/account?done=password");
        }

        PasswordError = result.Refusal switch
        {
            AccountRefusal.WrongPassword => L("Kata sandi sekarang salah.", "The current password is wrong."),
            AccountRefusal.WeakPassword when result.PasswordProblem == OperatorStore.IsTheEmail =>
                L("Kata sandi baru tidak boleh sama dengan alamat email.", "The new password must not be the e-mail address."),
            AccountRefusal.WeakPassword => L("Kata sandi baru paling sedikit 12 karakter.", "The new password needs at least 12 characters."),
            AccountRefusal.Mismatch => L("Kata sandi baru dan ulangannya tidak sama.", "The new password and its repetition differ."),
            _ => L("Akun Anda tidak aktif lagi.", "Your account is no longer active."),
        };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(ct) ? Page() : LocalRedirect("/admin/login");
    }

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
