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
            string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }
}
