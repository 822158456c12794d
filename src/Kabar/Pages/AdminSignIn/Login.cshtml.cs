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

        var result = await operators.CheckPasswordAsync(Email, Password, HttpContext.Connection.RemoteIpAddress, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                await AdminAuth.SignInAsync(HttpContext, operators, result.User!);
                return LocalRedirect(SafeReturn(ReturnUrl));
            case SignInOutcome.NeedsCode:
            case SignInOutcome.MustEnrol:
                var enrol = result.Outcome == SignInOutcome.MustEnrol;
                await HttpContext.SignInAsync(AdminAuth.PendingScheme, AdminAuth.Pending(result.User!, enrol));
                return LocalRedirect((enrol ? "/admin/login/enrol" : "/admin/login/code") + "?returnUrl=" + Uri.EscapeDataString(SafeReturn(ReturnUrl)));
            case SignInOutcome.Throttled:
                // Said alike for every typed address, existing or not: it is this address and
                // this computer that wait, not the account.
                Error = Refusal(this, result.BlockedUntil!.Value, time);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = RetryAfter(result.BlockedUntil.Value, time);
                Password = null;
                return Page();
            default:
                Error = L("Email atau kata sandi salah.", "Wrong email or password.");
                break;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Password = null;
        return Page();
    }

    /// <summary>The answer while failures from this client address wait out their block.</summary>
    internal static string Refusal(AdminPageModel page, DateTime until, TimeProvider time)
    {
        var minutes = Minutes(until, time);
        return page.L($"Terlalu banyak percobaan masuk yang gagal dari komputer ini. Coba lagi dalam {minutes} menit.",
            $"Too many failed sign-in attempts from this computer. Try again in {minutes} minute(s).");
    }

    internal static string RetryAfter(DateTime until, TimeProvider time) =>
        ((int)Math.Ceiling(Math.Max(1, (until - time.GetUtcNow().UtcDateTime).TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Minutes(DateTime until, TimeProvider time) =>
        Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow().UtcDateTime).TotalMinutes));
}
