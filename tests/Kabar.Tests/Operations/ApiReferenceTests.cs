using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kabar.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Kabar.Tests.Operations;

/// <summary>The OpenAPI document of <c>/api</c> and its reference page, both served by Kabar alone.</summary>
public sealed partial class ApiReferenceTests(Browser browser, PostgresServer postgres)
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheApiWithItsBearerKey_AndNothingElse()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;

        var paths = root.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/notifications", paths);
        Assert.Contains("/api/notifications/{id}", paths);
        Assert.Contains("/api/contacts", paths);
        Assert.Contains("/api/decisions", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/", p, StringComparison.Ordinal)); // no /simulator, /webhooks, /metrics, pages

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));

        // Every operation names the scheme and documents the 401 it gives without a key.
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var security = operation.Value.GetProperty("security");
                Assert.True(security.EnumerateArray().Any(r => r.TryGetProperty("ApiKey", out _)), $"{operation.Name} {path.Name} has no security");
                Assert.True(operation.Value.GetProperty("responses").TryGetProperty("401", out _), $"{operation.Name} {path.Name} has no 401");
            }
        }

        var enqueue = root.GetProperty("paths").GetProperty("/api/notifications").GetProperty("post");
        Assert.Equal("Notifications", enqueue.GetProperty("tags")[0].GetString());
        Assert.False(string.IsNullOrWhiteSpace(enqueue.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task ReferencePage_LoadsOnlyKabarsOwnScripts()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/scalar/");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Kabar API</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("//", string.Join(' ', Sources().Matches(html).Select(m => m.Groups[1].Value)), StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);

        var scripts = Sources().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("scalar.js", scripts);
        foreach (var src in scripts)
        {
            using var script = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), src));
            await Http.AssertStatusAsync(script, HttpStatusCode.OK);
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReferencePage_InChromium_ShowsTheEndpoints_WithoutAnyOtherOrigin()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);
        await using var context = await browser.NewContextAsync(app.BaseUrl, width: 1280, locale: "en-US");
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        var problems = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Add(m.Text);
            }
        };

        await page.GotoAsync("/scalar/");
        try
        {
            // Scalar renders the first tag group at once and the rest as they scroll into view.
            await page.GetByText(new System.Text.RegularExpressions.Regex("^/api/")).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            await Browser.ScreenshotAsync(page, "api-reference-failed");
            Assert.Fail($"The reference page showed no endpoint.\nConsole errors:\n{string.Join('\n', problems)}\nRequests:\n{string.Join('\n', requests)}");
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(await page.GetByText("Kabar API").First.IsVisibleAsync());
        await Browser.ScreenshotAsync(page, "api-reference");

        Assert.Contains(requests, r => r.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
        Assert.All(requests, r => Assert.True(r.StartsWith(app.BaseUrl, StringComparison.Ordinal) || r.StartsWith("data:", StringComparison.Ordinal),
            $"The reference page reached another origin: {r}"));
        Assert.DoesNotContain(problems, p => p.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex Sources();
}
