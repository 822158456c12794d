using System.Security.Claims;
using Kabar.Admin;

namespace Kabar.Web;

/// <summary>The base of the console's pages: the language rules of the public pages, and who is signed in.</summary>
public abstract class AdminPageModel : CitizenPageModel
{
    public string? OperatorEmail => User.FindFirstValue(ClaimTypes.Name);

    public bool CanOperate => User.IsInRole(OperatorRoles.Admin) || User.IsInRole(OperatorRoles.Operator);

    public bool IsAdmin => User.IsInRole(OperatorRoles.Admin);

    /// <summary>A same-site path to go back to after signing in; anything else goes to the dashboard.</summary>
    protected string SafeReturn(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/admin", StringComparison.Ordinal) ? returnUrl : "/admin";
}
