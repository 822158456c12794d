using System.Net;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Admin;

/// <summary>
/// Every route Kabar maps under <c>/api</c> and <c>/admin</c>, found from its own endpoint table (a
/// new route is checked without touching this test), refuses a request without credentials:
/// 401 for the API, a redirect to the sign-in page for the console. Only the sign-in page is open.
/// </summary>
public sealed class RouteAuthTests(PostgresServer postgres)
{
    private static readonly string[] OpenConsolePages = ["/admin/login"];

    private static string Concrete(string pattern) => "/" + Routes.Parameter().Replace(pattern.TrimStart('/'), m => m.Groups[2].Value switch
    {
        "guid" => Guid.NewGuid().ToString(),
        "int" or "long" => "1",
        _ => m.Groups[1].Value == "name" ? "template-sync" : "x",
    });

    [Fact]
    public async Task EveryApiAndConsoleRoute_RefusesAnUnauthenticatedRequest()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").Trim('/'),
                Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]))
            .Where(e => e.Pattern.StartsWith("/api", StringComparison.Ordinal) || e.Pattern.StartsWith("/admin", StringComparison.Ordinal))
            .ToList();
        Assert.True(endpoints.Count >= 20, $"Only {endpoints.Count} routes found");
        Assert.Contains(endpoints, e => e.Pattern == "/api/notifications");
        Assert.Contains(endpoints, e => e.Pattern == "/admin");

        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var open = new List<string>();
        foreach (var (pattern, methods) in endpoints)
        {
            foreach (var method in methods.Where(m => m is not ("HEAD" or "OPTIONS")))
            {
                var url = Concrete(pattern);
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request);
                var refused = pattern.StartsWith("/api", StringComparison.Ordinal)
                    ? response.StatusCode == HttpStatusCode.Unauthorized
                    : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("/admin/login", StringComparison.Ordinal) == true;
                if (!refused && !(OpenConsolePages.Contains(pattern) && (int)response.StatusCode < 500))
                {
                    open.Add($"{method} {url} → {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        Assert.True(open.Count == 0, "Open without credentials:\n" + string.Join('\n', open));
    }
}
