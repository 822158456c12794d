using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// axe-core over the page as it stands: every violation named with the elements it found. The
/// axe-core that Deque's package bundles is put into the page once per document and run there
/// with <c>axe.run</c>, all of its rules. Deque's <c>RunAxe</c> runs the same rules but, built for
/// pages with frames from other origins, also opens a second page for every run and loads axe-core
/// into both: the console and citizen pages have no frames, and that doubled every check's time.
/// </summary>
public static class Axe
{
    private static readonly string Source = new BundledAxeScriptProvider().GetScript();

    public static async Task AssertAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"))
        {
            await page.EvaluateAsync($"() => {{ {Source} }}");
        }

        Assert.True(await page.Locator("iframe, frame").CountAsync() == 0,
            $"{page.Url}: the page has a frame, which this check does not look into; check its document on its own.");
        var results = await page.EvaluateAsync<JsonElement>(
            "() => axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.html) })))");
        var violations = results.EnumerateArray().Select(v =>
            $"{v.GetProperty("id").GetString()}: {v.GetProperty("help").GetString()} ({string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))})").ToList();
        Assert.True(violations.Count == 0, $"{page.Url}: " + string.Join("\n", violations));
    }

    /// <summary>axe-core at a phone's width (360 px) and at a laptop's (1366 px); the page is left at the phone's width.</summary>
    public static async Task AssertAtBothWidthsAsync(IPage page)
    {
        await page.SetViewportSizeAsync(360, 740);
        await AssertAsync(page);
        await page.SetViewportSizeAsync(1366, 900);
        await AssertAsync(page);
        await page.SetViewportSizeAsync(360, 740);
    }
}
