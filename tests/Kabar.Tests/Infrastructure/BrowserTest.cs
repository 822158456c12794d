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
        Context = await Bounded(browser.NewContextAsync(App.BaseUrl, width), "open a browser context");
        Page = await Bounded(Context.NewPageAsync(), "open a page");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Bounded(Context.DisposeAsync().AsTask(), "close the browser context");
        }
        finally
        {
            await App.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Closes a second page once its navigation has settled. Chromium can acknowledge a close that
    /// races a navigation commit and never carry it out (crbug.com/536385539; playwright#41900):
    /// a page closed straight after a click that submits a form then hangs the test. If a close
    /// is still not done after five seconds it is sent again, as the Playwright fix does.
    /// </summary>
    protected static async Task CloseAsync(IPage page)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            // Close it anyway; the retries below cover a close that races the late commit.
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var close = page.CloseAsync();
            if (await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(5))) == close)
            {
                await close;
                return;
            }
        }

        await Bounded(page.CloseAsync(), "close a page");
    }

    /// <summary>
    /// Playwright's actions time out on their own, opening and closing do not: a browser that
    /// stopped answering fails the test with this message instead of holding the whole run.
    /// </summary>
    protected static async Task<T> Bounded<T>(Task<T> step, string what)
    {
        await Bounded((Task)step, what);
        return await step;
    }

    protected static async Task Bounded(Task step, string what)
    {
        try
        {
            await step.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Chromium did not {what} within 2 minutes.");
        }
    }
}
