using Kabar.Admin;
using Kabar.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Kabar.Pages.AdminSignIn;

/// <summary>
/// <c>/admin/login/enrol</c>: setting up the TOTP second factor — on first sign-in when the console
/// requires it, or from the account page. The new key travels in the form, encrypted and bound to
/// the person, until a code from their app proves they saved it.
/// </summary>
[EnableRateLimiting(WebExtensions.FormsPolicy)]
[Authorize(AuthenticationSchemes = AdminAuth.Scheme + "," + AdminAuth.PendingScheme)]
public sealed class EnrolModel(OperatorStore operators, IDataProtectionProvider protection) : AdminPageModel
{
    private readonly IDataProtector keys = protection.CreateProtector("Kabar.Admin.Enrolment");

    [BindProperty]
    public string? KeyToken { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string Key { get; private set; } = "";

    public string OtpAuthUri { get; private set; } = "";

    /// <summary><see cref="OtpAuthUri"/> as an inline SVG QR code, for the phone's camera.</summary>
    public string QrCode { get; private set; } = "";

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var op = await CurrentAsync(ct);
        if (op is null)
        {
            return LocalRedirect("/admin/login");
        }

        Show(op, OperatorStore.NewTotpKey());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var op = await CurrentAsync(ct);
        if (op is null)
        {
            return LocalRedirect("/admin/login");
        }

        string key;
        try
        {
            var parts = keys.Unprotect(KeyToken ?? "").Split('|');
            key = parts.Length == 2 && parts[1] == op.Id.ToString() ? parts[0] : throw new CryptographicFormatException();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return LocalRedirect("/admin/login/enrol");
        }

        if (!await operators.EnableTotpAsync(op, key, Code ?? "", ct))
        {
            Error = L("Kode salah. Periksa jam ponsel Anda dan masukkan kode yang sedang tampil.",
                "Wrong code. Check your phone's clock and enter the code it shows now.");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Show(op, key);
            return Page();
        }

        // The security stamp changed and every earlier session ended: a new one is issued, complete.
        await HttpContext.SignOutAsync(AdminAuth.PendingScheme);
        await AdminAuth.SignInAsync(HttpContext, operators, op);
        return LocalRedirect(SafeReturn(ReturnUrl));
    }

    private void Show(ConsoleUser op, string key)
    {
        Key = key;
        KeyToken = keys.Protect($"{key}|{op.Id}");
        OtpAuthUri = OperatorStore.OtpAuthUri("Kabar " + OfficeName, op.Email, key);
        QrCode = QrSvg.Render(OtpAuthUri);
    }

    /// <summary>
    /// The person enrolling: signed in fully, or past the password with the console requiring a
    /// second factor they do not have yet. Nobody replaces a second factor they already have here —
    /// else a password alone would swap the authenticator and pass.
    /// </summary>
    private async Task<ConsoleUser?> CurrentAsync(CancellationToken ct)
    {
        if (AdminAuth.OperatorId(User) is not { } id || await operators.FindAsync(id, ct) is not { } op || op.TotpEnabled)
        {
            return null;
        }

        var full = User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AdminAuth.Scheme);
        var pending = User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == AdminAuth.PendingScheme);
        if (full)
        {
            return op;
        }

        return pending is not null && pending.FindFirst(AdminAuth.EnrolClaim)?.Value == "true"
            && pending.FindFirst(AdminAuth.StampClaim)?.Value == op.SecurityStamp
            ? op
            : null;
    }

    private sealed class CryptographicFormatException() : System.Security.Cryptography.CryptographicException("Enrolment key for someone else.");
}
