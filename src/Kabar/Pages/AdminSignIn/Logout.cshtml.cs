using Kabar.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Kabar.Pages.AdminSignIn;

/// <summary><c>POST /admin/logout</c> ends the session (a GET only shows the sign-in page).</summary>
[Authorize(AuthenticationSchemes = AdminAuth.Scheme)]
public sealed class LogoutModel(ILogger<LogoutModel> logger) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/admin/login");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.Name is { } email)
        {
            logger.LogInformation("Operator {Email} signed out", email);
        }

        await HttpContext.SignOutAsync(AdminAuth.Scheme);
        await HttpContext.SignOutAsync(AdminAuth.PendingScheme);
        return LocalRedirect("/admin/login");
    }
}
