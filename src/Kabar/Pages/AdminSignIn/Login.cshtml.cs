using Kabar.Admin;
using Kabar.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Kabar.Pages.AdminSignIn;

/// <summary><c>/admin/login</c>: e-mail and password; then a TOTP code or enrolment when needed.</summary>
[EnableRateLimiting(WebExtensions.FormsPolicy)]
public sealed class LoginModel(OperatorStore operators, TimeProvider time) : AdminPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = L("Isi email dan kata sandi.", "Enter your email and password.");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var result = await operators.CheckPasswordAsync(Email, Password, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                await HttpContext.SignInAsync(AdminAuth.Scheme, AdminAuth.Principal(result.User!));
                return LocalRedirect(SafeReturn(ReturnUrl));
            case SignInOutcome.NeedsCode:
            case SignInOutcome.MustEnrol:
                var enrol = result.Outcome == SignInOutcome.MustEnrol;
                await HttpContext.SignInAsync(AdminAuth.PendingScheme, AdminAuth.Pending(result.User!, enrol));
                return LocalRedirect((enrol ? "/admin/login/enrol" : "/admin/login/code") + "?returnUrl=" + Uri.EscapeDataString(SafeReturn(ReturnUrl)));
            case SignInOutcome.LockedOut:
                var minutes = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - time.GetUtcNow().UtcDateTime).TotalMinutes));
                Error = L($"Terlalu banyak percobaan gagal. Akun ini dikunci; coba lagi dalam {minutes} menit.",
                    $"Too many failed attempts. This account is locked; try again in {minutes} minutes.");
                break;
            default:
                Error = L("Email atau kata sandi salah.", "Wrong email or password.");
                break;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Password = null;
        return Page();
    }
}
