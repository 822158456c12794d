using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Kabar.Tests.Infrastructure;

/// <summary>axe-core over the page as it stands: every violation named with the elements it found.</summary>
public static class Axe
{
    public static async Task AssertAsync(IPage page)
    {
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0,
            $"{page.Url}: " + string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
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
