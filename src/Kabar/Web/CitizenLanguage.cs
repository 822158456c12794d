using Microsoft.Net.Http.Headers;

namespace Kabar.Web;

/// <summary>
/// The citizen pages speak Bahasa Indonesia unless the person asks for English: <c>?lang=en</c>
/// (remembered in a cookie), else that cookie, else the browser's preferred languages.
/// </summary>
public static class CitizenLanguage
{
    public const string Cookie = "kabar-lang";
    public const string Indonesian = "id";
    public const string English = "en";

    public static string Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = Known(context.Request.Query["lang"]);
        if (query is not null)
        {
            context.Response.Cookies.Append(Cookie, query, new CookieOptions
            {
                HttpOnly = true,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
            });
            return query;
        }

        if (Known(context.Request.Cookies[Cookie]) is { } remembered)
        {
            return remembered;
        }

        var accepted = context.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var value in accepted.OrderByDescending(v => v.Quality ?? 1))
        {
            var tag = value.Value.Value ?? "";
            var primary = tag.Split('-')[0].ToLowerInvariant();
            if (primary is English or Indonesian)
            {
                return primary;
            }

            if (primary == "ms")
            {
                // Malay readers understand Indonesian.
                return Indonesian;
            }
        }

        return Indonesian;
    }

    private static string? Known(string? value) => value?.ToLowerInvariant() switch
    {
        Indonesian => Indonesian,
        English => English,
        _ => null,
    };

    /// <summary>Whether the response must vary by the language inputs (for caches that do not see the cookie).</summary>
    public static void MarkVaries(HttpResponse response) => response.Headers.Append(HeaderNames.Vary, "Accept-Language, Cookie");
}
