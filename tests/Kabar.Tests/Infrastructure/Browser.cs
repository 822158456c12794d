using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Kabar.Tests.Infrastructure.Browser))]

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// Headless Chromium for the page tests: Debian's <c>/usr/bin/chromium</c> (or <c>KABAR_CHROMIUM</c>)
/// driven by Playwright, never a downloaded browser. Started on first use; a machine without it
/// skips the browser tests, except under <c>CI=true</c> where that is a failure. Screenshots go to
/// <see cref="ScreenshotDirectory"/>.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("KABAR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where each page's screenshots are written: <c>TestResults/screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>A fresh browser context (own cookies) with a phone-sized or desktop viewport.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, int width = 360, string locale = "id-ID")
    {
        var b = await StartAsync();
        return await b.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = width < 600 ? 740 : 900 },
            Locale = locale,
            IsMobile = width < 600,
            HasTouch = width < 600,
        });
    }

    /// <summary>Screenshots of the current page at 360 px and 1280 px (full page), named after it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var original = page.ViewportSize;
        foreach (var width in new[] { 360, 1280 })
        {
            await page.SetViewportSizeAsync(width, width < 600 ? 740 : 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}-{width}.png"), FullPage = true });
        }

        if (original is not null)
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }

    private async Task<IBrowser> StartAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (browser is not null)
            {
                return browser;
            }

            if (!File.Exists(ExecutablePath))
            {
                var reason = $"no Chromium at {ExecutablePath} (install Debian's chromium package)";
                if (PostgresServer.RequiredByCi)
                {
                    Assert.Fail($"Browser tests need Chromium under CI=true: {reason}");
                }

                Assert.Skip($"Browser tests skipped: {reason}");
            }

            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Tests run as root in CI, where Chromium's sandbox cannot start.
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            });
            return browser;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        gate.Dispose();
    }
}
