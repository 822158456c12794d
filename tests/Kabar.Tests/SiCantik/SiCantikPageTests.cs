using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.SiCantik;

/// <summary>
/// The console's SiCantik page in Chromium, in sandbox mode, where the connector reads the built-in
/// SiCantik simulator: an operator syncs now and sees the figures and the applications without a phone.
/// </summary>
public sealed class SiCantikPageTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 390)
{
    [Fact]
    public async Task Operator_SyncsNow_AndSeesTheFiguresAndTheApplicationsWithoutAPhone_ThePageIsAccessible()
    {
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/sicantik");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("SiCantik");
        var sync = Page.GetByTestId("sync");
        await Assertions.Expect(sync).ToContainTextAsync("/simulator/sicantik/backoffice/api");
        await Assertions.Expect(sync).ToContainTextAsync("belum pernah");
        await Axe.AssertAsync(Page);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sinkronkan sekarang" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Sinkronisasi selesai.");
        await Assertions.Expect(sync).ToContainTextAsync("berhasil");
        var (applications, withoutPhone) = await App.WithDbAsync(async d => (
            await d.SiCantikApplications.CountAsync(), await d.SiCantikApplications.CountAsync(a => a.PhoneProblem != null)));
        Assert.True(applications >= 18, $"{applications} applications read from the built-in simulator");
        var figures = Page.GetByTestId("figures");
        await Assertions.Expect(figures.Locator("caption")).ToHaveTextAsync("Pengisian awal, tanpa pemberitahuan");
        await Assertions.Expect(figures.GetByRole(AriaRole.Row, new() { Name = "Baru" })).ToContainTextAsync(applications.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (withoutPhone > 0)
        {
            await Assertions.Expect(Page.GetByTestId("without-phone").Locator("tbody tr")).ToHaveCountAsync(withoutPhone);
        }

        await Axe.AssertAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-sicantik");

        await Page.GotoAsync("/admin/sicantik?lang=en");
        await Assertions.Expect(figures.GetByRole(AriaRole.Row, new() { Name = "New" })).ToBeVisibleAsync();
        await Axe.AssertAsync(Page);
    }

    [Fact]
    public async Task Viewer_SeesThePage_ButCannotSync()
    {
        await AddOperatorAsync(App, "pengamat@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "pengamat@karokab.go.id");
        await Page.GotoAsync("/admin/sicantik");

        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("SiCantik");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Sinkronkan sekarang" }).CountAsync());
    }
}
