using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Web;

/// <summary>The accessibility check every page test relies on finds what it should, again after a change of document, and refuses a page it cannot see all of.</summary>
public sealed class AxeCheckTests(Browser browser)
{
    [Fact]
    public async Task APageWithAnUnnamedImageAndButton_Fails_NamingBoth_TheFixedPagePasses_APageWithAFrameFails()
    {
        await using var context = await browser.NewContextAsync("http://127.0.0.1/");
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!doctype html><html lang="id"><head><title>Uji</title></head>
            <body><main><h1>Uji</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>
            """);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Axe.AssertAtBothWidthsAsync(page));
        Assert.Contains("image-alt", failure.Message, StringComparison.Ordinal);
        Assert.Contains("button-name", failure.Message, StringComparison.Ordinal);

        // A new document: axe-core is put into it again and finds nothing.
        await page.SetContentAsync("""
            <!doctype html><html lang="id"><head><title>Uji</title></head>
            <body><main><h1>Uji</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo"><button>Kirim</button></main></body></html>
            """);
        await Axe.AssertAtBothWidthsAsync(page);

        await page.SetContentAsync("""<!doctype html><html lang="id"><head><title>Uji</title></head><body><main><h1>Uji</h1><iframe title="x" srcdoc="<img src=x>"></iframe></main></body></html>""");
        var framed = await Assert.ThrowsAnyAsync<Exception>(() => Axe.AssertAsync(page));
        Assert.Contains("the page has a frame", framed.Message, StringComparison.Ordinal);
    }
}
