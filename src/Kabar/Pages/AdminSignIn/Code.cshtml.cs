using Kabar.Admin;
using Kabar.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Kabar.Pages.AdminSignIn;

/// <summary><c>/admin/login/code</c>: the TOTP code after a right password.</summary>
[EnableRateLimiting(WebExtensions.FormsPolicy)]
[Authorize(AuthenticationSchemes = AdminAuth.PendingScheme)]
public sealed class CodeModel(OperatorStore operators, TimeProvider time) : AdminPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var id = AdminAuth.OperatorId(User);
        var result = id is { } value
            ? await operators.CheckCodeAsync(value, Code ?? "", HttpContext.Connection.RemoteIpAddress, ct)
            : new SignInCheck(SignInOutcome.Invalid, null);
        if (result.Outcome == SignInOutcome.Success)
        {
            await HttpContext.SignOutAsync(AdminAuth.PendingScheme);
            await AdminAuth.SignInAsync(HttpContext, operators, result.User!);
            return LocalRedirect(SafeReturn(ReturnUrl));
        }

        if (result.Outcome == SignInOutcome.Throttled)
        {
            await HttpContext.SignOutAsync(AdminAuth.PendingScheme);
            Error = LoginModel.Refusal(this, result.BlockedUntil!.Value, time);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = LoginModel.RetryAfter(result.BlockedUntil.Value, time);
            return Page();
        }

        Error = L("Kode salah atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil di aplikasi autentikator.",
            "Wrong or already used code. Enter the 6-digit code your authenticator app shows now.");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
