using Kabar.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Kabar.Pages.AdminSignIn;

/// <summary><c>POST /admin/logout</c> ends the session, on the server as well as in the browser (a GET only shows the sign-in page).</summary>
[Authorize(AuthenticationSchemes = AdminAuth.Scheme)]
public sealed class LogoutModel(OperatorStore operators, ILogger<LogoutModel> logger) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/admin/login");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.Name is { } email)
        {
            logger.LogInformation("Operator {Email} signed out", email);
        }

        // The session ends on the server too: a copy of the cookie no longer opens the console.
        await AdminAuth.SignOutAsync(HttpContext, operators);
        return LocalRedirect("/admin/login");
    }
}
