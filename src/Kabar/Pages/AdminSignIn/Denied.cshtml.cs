using Kabar.Admin;
using Kabar.Web;
using Microsoft.AspNetCore.Authorization;

namespace Kabar.Pages.AdminSignIn;

/// <summary><c>/admin/denied</c>: signed in, but the role does not allow this.</summary>
[Authorize(AuthenticationSchemes = AdminAuth.Scheme)]
public sealed class DeniedModel : AdminPageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
