using System.Net;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Every GET route Kabar maps (citizen pages, console, API, operations), found from its own
/// endpoint table, fetched over HTTPS by a stranger and by a signed-in admin: every answer carries
/// <c>nosniff</c>, <c>Referrer-Policy</c>, <c>X-Frame-Options</c> and HSTS; every HTML answer a
/// Content-Security-Policy that forbids framing and <c>Cache-Control: no-store</c>.
/// </summary>
public sealed class SecurityHeadersTests(PostgresServer postgres)
{
    [Fact]
    public async Task EveryGetRoute_AnonymousAndSignedIn_CarriesTheSecurityHeaders()
    {
        // The office's public name: any other Host is refused before a page is rendered (400, no headers to check).
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:PublicBaseUrl"] = "https://kabar.example.id" });
        await Admin.Console.AddOperatorAsync(app, "kepala@karokab.go.id");
        var contact = await app.CreateContactAsync("+6281277003001", optedIn: true);
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true)
            .Select(e => "/" + Routes.Parameter().Replace((e.RoutePattern.RawText ?? "").Trim('/'),
                m => m.Groups[2].Value == "guid" || m.Groups[1].Value.Equals("id", StringComparison.OrdinalIgnoreCase) ? contact.ToString() : "x"))
            .Distinct()
            .ToList();
        Assert.Contains("/daftar", routes);
        Assert.Contains("/admin", routes);
        Assert.Contains("/api/notifications", routes);

        var https = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://kabar.example.id") };
        using var stranger = app.CreateClient(https);
        using var admin = app.CreateClient(https);
        await SignInAsync(admin);

        var missing = new List<string>();
        var htmlPages = 0;
        foreach (var route in routes)
        {
            foreach (var (who, client) in new[] { ("stranger", stranger), ("admin", admin) })
            {
                using var response = await client.GetAsync(route);
                var all = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
                var problems = new List<string>();
                Expect(all, "X-Content-Type-Options", v => v == "nosniff", problems);
                Expect(all, "Referrer-Policy", v => v == "no-referrer", problems);
                Expect(all, "X-Frame-Options", v => v == "DENY", problems);
                Expect(all, "Strict-Transport-Security", v => v.Contains("max-age=", StringComparison.Ordinal), problems);
                if (response.Content.Headers.ContentType?.MediaType == "text/html")
                {
                    htmlPages++;
                    Expect(all, "Content-Security-Policy", v => v.Contains("frame-ancestors 'none'", StringComparison.Ordinal)
                        && v.Contains("default-src", StringComparison.Ordinal) && !v.Contains("http:", StringComparison.Ordinal), problems);
                    Expect(all, "Cache-Control", v => v.Contains("no-store", StringComparison.Ordinal), problems);
                }

                if (problems.Count > 0)
                {
                    missing.Add($"{who} GET {route} → {(int)response.StatusCode}: {string.Join("; ", problems)}");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.True(htmlPages >= 20, $"only {htmlPages} HTML answers checked");
    }

    private static void Expect(Dictionary<string, string> headers, string name, Func<string, bool> ok, List<string> problems)
    {
        if (!headers.TryGetValue(name, out var value))
        {
            problems.Add($"no {name}");
        }
        else if (!ok(value))
        {
            problems.Add($"{name}: {value}");
        }
    }

    private static async Task SignInAsync(HttpClient client)
    {
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/admin/login"));
        using var post = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "kepala@karokab.go.id",
            ["Password"] = Admin.Console.Password,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        using var dashboard = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }
}
