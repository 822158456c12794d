using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Kabar.Pages.Sandbox;

/// <summary>
/// The sandbox phone exists only while the built-in simulator is on (sandbox mode, SPEC §7), and
/// only for a browser on this machine, never through a proxy (<see cref="Network.LocalRequests"/>): it shows every message sent to any number and forges signed
/// inbound messages (a STOP, a MULAI), the same powers as the simulator's control API, which has
/// the same rule. Otherwise the pages answer 404 (no simulator) or 403 (another machine).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
internal sealed class SandboxOnlyAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    // Before the antiforgery check (order 1000): a remote POST learns nothing but 403.
    public int Order => -1000;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        if (!Simulator.SimulatorExtensions.IsEnabled(http.RequestServices))
        {
            context.Result = new NotFoundResult();
        }
        else if (!Network.LocalRequests.IsLocal(http))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
        }
    }
}
