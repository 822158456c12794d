using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Kabar.Web;

/// <summary>The server-rendered pages: citizen pages and the sandbox phone, their protections and assets.</summary>
public static class WebExtensions
{
    public const string FormsPolicy = "citizen-forms";
    public const string LinksPolicy = "citizen-links";

    /// <summary>
    /// Pages may load only Kabar's own assets; nothing may frame them; links leave no referrer
    /// (the opt-in token is in the path).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static WebApplicationBuilder AddKabarWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<CitizenOptions>().BindConfiguration(CitizenOptions.Section).ValidateDataAnnotations();
        builder.Services.AddRazorPages();
        if (!builder.Environment.WebRootFileProvider.GetFileInfo("css/kabar.css").Exists)
        {
            // Started from another working directory: the assets are next to the program.
            var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
            builder.Environment.WebRootPath = beside;
            builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(beside);
        }

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "kabar-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
        });
        builder.Services.AddSingleton<ClickToChat>();

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(FormsPolicy, context => PerIp(context, o => o.FormPostsPerIp, postsOnly: true));
            o.AddPolicy(LinksPolicy, context => PerIp(context, o => o.LinkRequestsPerIp, postsOnly: false));
            o.OnRejected = async (rejected, ct) =>
            {
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var http = rejected.HttpContext;
                // The client as the trusted proxy named it (Kabar:Network); never the path, which may hold a personal link.
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Kabar.Web.RateLimits").LogWarning(
                    "Refused {Method} from {Client}: over the {Policy} limit for {Seconds} s",
                    http.Request.Method, http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>()?.PolicyName ?? "rate",
                    (int)Math.Ceiling(retry.TotalSeconds));
                var response = http.Response;
                response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/html; charset=utf-8";
                var minutes = Math.Max(1, (int)Math.Ceiling(retry.TotalMinutes));
                var english = CitizenLanguage.Resolve(http) == CitizenLanguage.English;
                await response.WriteAsync(english
                    ? $"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/css/kabar.css\"><title>Too many attempts</title><main class=\"page\"><h1>Too many attempts</h1><p>Please try again in {minutes} minute(s).</p></main></html>"
                    : $"<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/css/kabar.css\"><title>Terlalu banyak percobaan</title><main class=\"page\"><h1>Terlalu banyak percobaan</h1><p>Silakan coba lagi dalam {minutes} menit.</p></main></html>", ct);
            };
        });
        return builder;
    }

    private static RateLimitPartition<string> PerIp(HttpContext context, Func<CitizenOptions, int> limit, bool postsOnly)
    {
        if (postsOnly && HttpMethods.IsGet(context.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("get");
        }

        var options = context.RequestServices.GetRequiredService<IOptions<CitizenOptions>>().Value;
        var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
        return RateLimitPartition.GetFixedWindowLimiter(ip.ToString(), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit(options),
            Window = options.RateWindow,
            QueueLimit = 0,
        });
    }

    /// <summary>Security headers on every response; HTML is never cached (forms carry tokens, links carry personal state).</summary>
    public static WebApplication UseKabarWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            SetSecurityHeaders(headers);
            context.Response.OnStarting(() =>
            {
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    // An endpoint may set a stricter policy of its own (the API reference page's nonce).
                    if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
                    {
                        headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    }

                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseStaticFiles();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The headers every answer carries (a short-circuited endpoint sets them itself).</summary>
    public static void SetSecurityHeaders(IHeaderDictionary headers)
    {
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
    }

    public static WebApplication MapKabarPages(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }
}
