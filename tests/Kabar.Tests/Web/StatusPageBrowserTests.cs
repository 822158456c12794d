using Kabar.Tests.Infrastructure;
using Microsoft.Playwright;
using static Kabar.Tests.Web.CitizenPages;

namespace Kabar.Tests.Web;

/// <summary>
/// The registration's status page in Chromium, as a person on a 360 px phone reaches it from the
/// success page and from the link in their SMS, in Indonesian and English, and on a 1366 px screen.
/// </summary>
public sealed class StatusPageBrowserTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    private async Task AssertFitsAndIsAccessibleAsync(int width)
    {
        await Page.SetViewportSizeAsync(width, width < 600 ? 740 : 900);
        await Axe.AssertAsync(Page);
        var sideways = await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(sideways, $"The page scrolls sideways at {width} px.");
    }

    [Fact]
    public async Task StatusPage_FromTheSuccessPageAndTheSms_ShowsTheSteps_InBothLanguages_WithoutAxeViolations()
    {
        const string phone = "+6281230008001";
        await RegisterAsync(Page, "Siti Aminah", "0812-3000-8001", tick: false);
        var reference = await Page.GetByTestId("reference").InnerTextAsync();
        var promise = await Page.GetByTestId("promise").InnerTextAsync();
        Assert.Contains("Tanda terima pendaftaran ini lewat SMS ke +62812****8001", promise, StringComparison.Ordinal);
        await AssertFitsAndIsAccessibleAsync(360);

        await Page.GetByRole(AriaRole.Link, new() { Name = "Lihat status permohonan ini" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync($"Status permohonan {reference}");
        var steps = Page.GetByTestId("steps").Locator("li");
        await Assertions.Expect(steps).ToHaveCountAsync(2);
        await Assertions.Expect(steps.Nth(0)).ToContainTextAsync("Diajukan");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("Diterima");
        Assert.Equal("step", await steps.Nth(1).GetAttributeAsync("aria-current"));
        var main = await Page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("Siti", main, StringComparison.Ordinal);
        Assert.DoesNotContain("8001", main, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "status");
        await AssertFitsAndIsAccessibleAsync(360);
        await AssertFitsAndIsAccessibleAsync(1366);

        // The link in the SMS opens the same page; the language switch turns it into English.
        await App.DispatchAsync();
        var link = System.Text.RegularExpressions.Regex.Match(LastSms(App, phone), @"https?://\S+/status/[A-Za-z0-9_-]{43}").Value;
        await Page.SetViewportSizeAsync(360, 740);
        await Page.GotoAsync(PathOf(link));
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync($"Status permohonan {reference}");
        await Page.GetByRole(AriaRole.Link, new() { Name = "English", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync($"Application {reference}");
        await Assertions.Expect(Page.GetByTestId("steps")).ToContainTextAsync("Received");
        await AssertFitsAndIsAccessibleAsync(360);
        await AssertFitsAndIsAccessibleAsync(1366);

        // A link cut short in the SMS app: a page in words, not an error code.
        await Page.SetViewportSizeAsync(360, 740);
        var response = await Page.GotoAsync(PathOf(link)[..^5] + "?lang=id");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Tautan tidak dikenal");
        await Browser.ScreenshotAsync(Page, "status-unknown");
        await AssertFitsAndIsAccessibleAsync(360);
        await AssertFitsAndIsAccessibleAsync(1366);
    }
}
