using Microsoft.Playwright;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// A browser test: a fresh Kabar listening on a real socket (SQLite, fake clock) and a fresh
/// Chromium context and page on it, at <paramref name="width"/> pixels.
/// </summary>
public abstract class BrowserTest(Browser browser, PostgresServer postgres, int width) : IAsyncLifetime
{
    protected Browser Chromium => browser;

    protected KabarApp App { get; private set; } = null!;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);
        Context = await browser.NewContextAsync(App.BaseUrl, width);
        Page = await Context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
