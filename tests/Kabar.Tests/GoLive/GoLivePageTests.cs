using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.GoLive;

/// <summary>
/// The console's go-live page on a phone-sized screen, in sandbox mode, where the check asks the
/// built-in simulator: an operator runs it and reads what to fix; an admin subscribes the app; a
/// viewer only reads. The templates page shows each catalog text beside Meta's status.
/// </summary>
public sealed class GoLivePageTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 390)
{
    private ILocator Row(string item) => Page.Locator($"tr[data-item=\"{item}\"]");

    [Fact]
    public async Task Operator_RunsTheCheck_AndReadsWhatToFix_ThePageIsAccessible()
    {
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp/check");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Kesiapan kirim WhatsApp");
        await Assertions.Expect(Page.GetByText("Belum ada pemeriksaan sejak Kabar dimulai.")).ToBeVisibleAsync();
        await Axe.AssertAsync(Page);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Periksa sekarang" }).ClickAsync();

        // The sandbox sends to its simulator: no real token, no WABA id, no https address.
        await Assertions.Expect(Page.GetByTestId("verdict")).ToContainTextAsync("Belum siap: 3 hal perlu diperbaiki");
        await Assertions.Expect(Row("settings.access_token")).ToContainTextAsync("perlu diperbaiki");
        await Assertions.Expect(Row("settings.access_token")).ToContainTextAsync("Kabar__WhatsApp__Numbers__0__AccessToken");
        await Assertions.Expect(Row("settings.public_base_url")).ToContainTextAsync("bukan alamat https://");
        await Assertions.Expect(Row("token")).ToContainTextAsync("sesuai");
        await Assertions.Expect(Row("subscribed_apps")).ToContainTextAsync("berlangganan: Kabar");
        await Assertions.Expect(Row("template permit_ready (id)")).ToContainTextAsync("APPROVED · UTILITY · 5 parameter");
        await Assertions.Expect(Page.Locator("tr[data-item^=\"template \"]")).ToHaveCountAsync(16);
        await Axe.AssertAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-whatsapp-check");

        await Page.GotoAsync("/admin/whatsapp/check?lang=en");
        await Assertions.Expect(Page.GetByTestId("verdict")).ToContainTextAsync("Not ready: 3 items to fix");
        await Assertions.Expect(Row("settings.public_base_url")).ToContainTextAsync("is not an https:// address");
        await Axe.AssertAsync(Page);
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Subscribe the app to the business account" }).CountAsync());
    }

    [Fact]
    public async Task Admin_SubscribesTheApp_WhenItIsNot_AViewerCannotRunTheCheck()
    {
        App.Simulator().Subscribe(false);
        await AddOperatorAsync(App, "admin@karokab.go.id", OperatorRoles.Admin);
        await SignInAsync(Page, "admin@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp/check");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Periksa sekarang" }).ClickAsync();
        await Assertions.Expect(Row("subscribed_apps")).ToContainTextAsync("tidak ada aplikasi yang berlangganan");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Hubungkan aplikasi ke akun bisnis" }).ClickAsync();

        await Assertions.Expect(Row("subscribed_apps")).ToContainTextAsync("kini berlangganan: Kabar");
        await Assertions.Expect(Row("subscribed_apps")).ToContainTextAsync("sesuai");
        Assert.Contains(App.Logs.Lines, l => l.Contains("asked Kabar to subscribe its app", StringComparison.Ordinal));

        await Context.ClearCookiesAsync();
        await AddOperatorAsync(App, "pengamat@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "pengamat@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp/check");
        await Assertions.Expect(Page.GetByTestId("verdict")).ToContainTextAsync("Belum siap");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Periksa sekarang" }).CountAsync());
    }

    [Fact]
    public async Task TemplatesPage_ShowsEachCatalogTextBesideMetasStatus()
    {
        await App.RunJobAsync("template-sync");
        Assert.True(App.Simulator().SetTemplateStatus("status_update", "en", "PAUSED"));
        await App.Simulator().WhenIdleAsync();
        await AddOperatorAsync(App, "pengamat@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "pengamat@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp");

        var rows = await Page.GetByTestId("templates").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(16, rows.Count);
        Assert.Contains(rows, r => r.StartsWith("permit_ready\tIndonesia\tdisetujui\tYth. {{1}}, dokumen {{2}} Anda dengan nomor {{3}}", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("status_update\tInggris\tdijeda\tThe status of application {{1}}", StringComparison.Ordinal));
        await Axe.AssertAsync(Page);
    }
}
