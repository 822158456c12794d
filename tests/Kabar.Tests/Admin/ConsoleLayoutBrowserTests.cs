using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// The console's frame in Chromium at a phone's width and a laptop's: the menu keeps to one line
/// (the rest behind "Lainnya"), and every kind of field is a full-size box that fits the screen.
/// </summary>
public sealed class ConsoleLayoutBrowserTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    [Theory]
    [InlineData(360)]
    [InlineData(1366)]
    public async Task Menu_StaysOnOneLine_AndTheOtherPagesOpenFromLainnya(int width)
    {
        await Page.SetViewportSizeAsync(width, 800);
        await AddOperatorAsync(App, "admin@karokab.go.id", OperatorRoles.Admin);
        await SignInAsync(Page, "admin@karokab.go.id");
        var menu = Page.GetByRole(AriaRole.Navigation, new() { Name = "Menu konsol" });
        var tops = new List<double>();
        foreach (var name in new[] { "Dasbor", "Kotak masuk", "Notifikasi", "Kontak", "Kampanye", "Lainnya" })
        {
            var item = name == "Lainnya" ? menu.Locator("summary") : menu.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
            var box = await item.BoundingBoxAsync();
            Assert.NotNull(box);
            tops.Add(box.Y);
        }

        Assert.True(tops.Max() - tops.Min() < 4, $"the menu wraps at {width} px: tops {string.Join(", ", tops)}");
        var signOut = await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).BoundingBoxAsync();
        Assert.NotNull(signOut);
        Assert.True(signOut.X + signOut.Width <= width, $"Keluar is off the screen at {width} px");
        Assert.True(Math.Abs(signOut.Y - tops[0]) < 8, $"Keluar is not on the menu's line at {width} px");

        // The other pages are one click away, and the menu says where the reader is.
        Assert.False(await menu.GetByRole(AriaRole.Link, new() { Name = "Ekspor & impor" }).IsVisibleAsync());
        await menu.Locator("summary").ClickAsync();
        var exports = menu.GetByRole(AriaRole.Link, new() { Name = "Ekspor & impor" });
        var box2 = await exports.BoundingBoxAsync();
        Assert.NotNull(box2);
        Assert.True(box2.X >= 0 && box2.X + box2.Width <= width, $"Lainnya opens off the screen at {width} px");
        await Axe.AssertAsync(Page);
        await exports.ClickAsync();
        Assert.EndsWith("/admin/exports", Page.Url, StringComparison.Ordinal);
        Assert.Contains("current", await menu.Locator("summary").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(360)]
    [InlineData(1366)]
    public async Task EveryKindOfField_IsAFullSizeBox_ThatFitsTheScreen(int width)
    {
        await Page.SetViewportSizeAsync(width, 800);
        await Page.GotoAsync("/admin/login");
        await AssertFieldsAsync("/admin/login", width);

        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        // Text, number, typed dates and times, selects: the campaign form has every kind.
        foreach (var page in new[] { "/admin/campaigns", "/admin/experiments", "/admin/notifications", "/admin", "/admin/contacts" })
        {
            await Page.GotoAsync(page);
            await AssertFieldsAsync(page, width);
        }
    }

    private async Task AssertFieldsAsync(string page, int width)
    {
        var fields = Page.Locator("main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea");
        var count = await fields.CountAsync();
        Assert.True(count > 0, $"{page} has no field");
        for (var i = 0; i < count; i++)
        {
            var field = fields.Nth(i);
            if (!await field.IsVisibleAsync())
            {
                continue;
            }

            var box = await field.BoundingBoxAsync();
            var what = $"{page} {await field.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")} at {width} px";
            Assert.NotNull(box);
            Assert.True(box.Height >= 44, $"{what}: {box.Height} px high, smaller than a finger");
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{what}: off the screen ({box.X} + {box.Width})");
            Assert.True(await field.EvaluateAsync<bool>("e => getComputedStyle(e).borderTopWidth === '2px'"), $"{what}: the browser's default box");
        }

        Assert.Equal(0, await Page.Locator("input[type=date], input[type=time]").CountAsync());
    }
}
