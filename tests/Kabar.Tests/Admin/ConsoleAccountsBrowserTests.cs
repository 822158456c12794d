using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.Playwright;
using ZXing;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// Accounts in Chromium on a 360 px phone: an admin adds a user from the menu, the enrolment page's
/// QR code read back from the pixels Chromium drew carries the key shown in text, and axe-core finds
/// nothing on the users, account and enrolment pages at 360 px or at 1366 px.
/// </summary>
public sealed class ConsoleAccountsBrowserTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    [Fact]
    public async Task AnAdmin_AddsAUserFromTheMenu_AndThePagesPassAxeAtBothWidths()
    {
        await AddOperatorAsync(App, "kepala@karokab.go.id", OperatorRoles.Admin);
        await AddOperatorAsync(App, "lama@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "kepala@karokab.go.id");

        await OpenMoreAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Pengguna", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pengguna konsol");
        await Assertions.Expect(Page.GetByTestId("user")).ToHaveCountAsync(2);
        await Axe.AssertAtBothWidthsAsync(Page);

        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync("petugas@karokab.go.id");
        await Page.GetByLabel("Peran", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "petugas" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Tambah dan buat kata sandi" }).ClickAsync();
        var password = await Page.GetByTestId("password").InnerTextAsync();
        Assert.True(password.Length >= 12, password);
        await Assertions.Expect(Page.GetByTestId("user")).ToHaveCountAsync(3);
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-users");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Nonaktifkan lama@karokab.go.id" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Pengguna dinonaktifkan.");
        await Axe.AssertAtBothWidthsAsync(Page);

        await Page.GetByRole(AriaRole.Link, new() { Name = "EN", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Console users");
        await Axe.AssertAtBothWidthsAsync(Page);

        // The new user signs in with the password shown and changes it on their account page.
        await Context.ClearCookiesAsync();
        await SignInAsync(Page, "petugas@karokab.go.id", password);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");
        await Page.GotoAsync("/admin/account");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Page.GetByLabel("Kata sandi sekarang").FillAsync(password);
        await Page.GetByLabel("Kata sandi baru", new() { Exact = true }).FillAsync("kopi pagi di berastagi");
        await Page.GetByLabel("Ulangi kata sandi baru").FillAsync("kopi pagi di berastagi");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ganti kata sandi" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Kata sandi diganti.");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-account-password");
    }

    [Fact]
    public async Task Enrolment_ShowsAQrCodeThatReadsAsTheLinkWithTheKeyShownInText()
    {
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/account");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Pasang verifikasi dua langkah" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pasang verifikasi dua langkah");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-2fa-qr");

        var qr = Page.GetByRole(AriaRole.Img, new() { Name = "Kode QR untuk aplikasi autentikator" });
        var decoded = await ReadQrAsync(qr);
        var key = await Page.GetByTestId("totp-key").InnerTextAsync();
        var link = await Page.GetByRole(AriaRole.Link, new() { Name = "Buka di aplikasi autentikator" }).GetAttributeAsync("href");
        Assert.Equal(link, decoded);
        Assert.StartsWith("otpauth://totp/", decoded, StringComparison.Ordinal);
        Assert.Contains($"secret={key}&", decoded, StringComparison.Ordinal);

        // The code scanned works: the app it went into turns two-step verification on.
        await Page.GetByLabel("Kode 6 angka").FillAsync(CodeNow(App, key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Aktifkan" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Akun");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Pasang verifikasi dua langkah" })).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The QR code as a phone's camera would see it: Chromium's own rendering of the element, turned
    /// into pixels on a blank page (no policy there to keep a canvas out) and decoded by ZXing.
    /// </summary>
    private async Task<string> ReadQrAsync(ILocator qr)
    {
        var png = await qr.ScreenshotAsync();
        var blank = await Context.NewPageAsync();
        try
        {
            var pixels = await blank.EvaluateAsync<int[]>("""
                async src => {
                    const img = new Image();
                    img.src = src;
                    await img.decode();
                    const canvas = document.createElement('canvas');
                    canvas.width = img.width;
                    canvas.height = img.height;
                    const g = canvas.getContext('2d');
                    g.drawImage(img, 0, 0);
                    return [img.width, img.height, ...Array.from(g.getImageData(0, 0, img.width, img.height).data)];
                }
                """, "data:image/png;base64," + Convert.ToBase64String(png));
            var rgba = pixels.Skip(2).Select(p => (byte)p).ToArray();
            var reader = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
            var result = reader.Decode(new RGBLuminanceSource(rgba, pixels[0], pixels[1], RGBLuminanceSource.BitmapFormat.RGBA32));
            Assert.True(result is not null, $"No QR code could be read from the {pixels[0]}×{pixels[1]} px image.");
            return result.Text;
        }
        finally
        {
            await CloseAsync(blank);
        }
    }
}
