using Kabar.Common;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Kabar.Web;

/// <summary>
/// The base of every public page: the person's language (<see cref="CitizenLanguage"/>), the
/// office's name, and <see cref="L"/> to pick the Indonesian or English words.
/// </summary>
public abstract class CitizenPageModel : PageModel
{
    public string Lang { get; private set; } = CitizenLanguage.Indonesian;

    public bool English => Lang == CitizenLanguage.English;

    public string OfficeName => HttpContext.RequestServices.GetRequiredService<IOptions<OfficeOptions>>().Value.Name;

    /// <summary>The Indonesian text, or the English one for English readers.</summary>
    public string L(string indonesian, string english) => English ? english : indonesian;

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Lang = CitizenLanguage.Resolve(HttpContext);
        CitizenLanguage.MarkVaries(Response);
        ViewData["Lang"] = Lang;
        ViewData["Office"] = OfficeName;
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>The request's address and browser, as consent evidence.</summary>
    protected (string? Ip, string? UserAgent) Evidence() =>
        (HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
}
