using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>Signing in to <c>/admin</c> in Chromium: password, TOTP enrolment and codes, lockout, cookies, roles.</summary>
public sealed class ConsoleSignInTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task Console_WithoutSignIn_SendsToTheSignInPage()
    {
        await Page.GotoAsync("/admin");
        Assert.StartsWith(App.BaseUrl + "/admin/login", Page.Url, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "admin-login");
    }

    [Fact]
    public async Task SignIn_WithPassword_ReachesTheDashboard_WithHardenedCookies_AndSignOutEndsIt()
    {
        await AddOperatorAsync(App, "admin@karokab.go.id");
        await SignInAsync(Page, "Admin@KaroKab.go.id");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");

        var cookie = Assert.Single(await Context.CookiesAsync(), c => c.Name == "__Host-kabar-admin");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Masuk ke konsol Kabar");
        await Page.GotoAsync("/admin");
        Assert.StartsWith(App.BaseUrl + "/admin/login", Page.Url, StringComparison.Ordinal);
        Assert.Contains(App.Logs.Lines, l => l.Contains("signed in", StringComparison.Ordinal) && l.Contains("a***@karokab.go.id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_WhenTwoFactorIsRequired_EnrolsOnce_ThenAsksForAFreshCodeEachTime()
    {
        var op = await AddOperatorAsync(App, "operator@karokab.go.id", OperatorRoles.Operator);
        await App.WithDbAsync(async db =>
        {
            db.AppSettings.Add(new Kabar.Data.AppSetting { Key = OperatorStore.RequireTwoFactorSetting, Value = "true", CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        await SignInAsync(Page, op.Email);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pasang verifikasi dua langkah");
        await Browser.ScreenshotAsync(Page, "admin-2fa-enrol");
        var key = await Page.GetByTestId("totp-key").InnerTextAsync();
        await Page.GotoAsync("/admin");
        Assert.StartsWith(App.BaseUrl + "/admin/login", Page.Url, StringComparison.Ordinal);

        // Enrolment is still pending: sign in again, enrol with a wrong and then a right code.
        await SignInAsync(Page, op.Email);
        key = await Page.GetByTestId("totp-key").InnerTextAsync();
        await Page.GetByLabel("Kode 6 angka").FillAsync("000000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Aktifkan" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Kode salah");
        await Page.GetByLabel("Kode 6 angka").FillAsync(CodeNow(App, key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Aktifkan" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");
        var stored = await App.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync(o => o.Id == op.Id));
        Assert.True(stored.TotpEnabled);
        Assert.DoesNotContain(key, stored.TotpSecret!, StringComparison.Ordinal);

        // Next time: password, then a code; the code already used does not work twice.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await SignInAsync(Page, op.Email);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Kode verifikasi");
        await Page.GotoAsync("/admin");
        Assert.StartsWith(App.BaseUrl + "/admin/login", Page.Url, StringComparison.Ordinal);
        // Knowing the password is not enough to enrol a new authenticator instead of the code.
        await SignInAsync(Page, op.Email);
        await Page.GotoAsync("/admin/login/enrol");
        Assert.StartsWith(App.BaseUrl + "/admin/login", Page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await Page.GetByTestId("totp-key").CountAsync());
        Assert.Equal(stored.TotpSecret, (await App.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync(o => o.Id == op.Id))).TotpSecret);

        await SignInAsync(Page, op.Email);
        await Page.GetByLabel("Kode 6 angka dari aplikasi autentikator").FillAsync(CodeNow(App, key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Lanjut" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("sudah dipakai");
        App.Time.Advance(TimeSpan.FromSeconds(30));
        await Page.GetByLabel("Kode 6 angka dari aplikasi autentikator").FillAsync(CodeNow(App, key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Lanjut" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_MakeThisComputerWait_ThenTheRightPasswordWorks()
    {
        await AddOperatorAsync(App, "viewer@karokab.go.id", OperatorRoles.Viewer);
        for (var i = 0; i < 4; i++)
        {
            await SignInAsync(Page, "viewer@karokab.go.id", "wrong password " + i);
            await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Email atau kata sandi salah.");
        }

        const string Wait = "Terlalu banyak percobaan masuk yang gagal dari komputer ini. Coba lagi dalam 1 menit.";
        await SignInAsync(Page, "viewer@karokab.go.id", "wrong password 5");
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Wait);
        await Browser.ScreenshotAsync(Page, "admin-login-wait");
        await SignInAsync(Page, "viewer@karokab.go.id");
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Wait);
        Assert.Contains(App.Logs.Lines, l => l.Contains("blocked until", StringComparison.Ordinal));

        App.Time.Advance(TimeSpan.FromMinutes(2));
        await SignInAsync(Page, "viewer@karokab.go.id");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");

        // An unknown address gets the same answers as a wrong password, attempt for attempt.
        await Context.ClearCookiesAsync();
        for (var i = 0; i < 4; i++)
        {
            await SignInAsync(Page, "nobody@karokab.go.id", "wrong password " + i);
            await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Email atau kata sandi salah.");
        }

        await SignInAsync(Page, "nobody@karokab.go.id", "wrong password 5");
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Wait);
    }

    [Fact]
    public async Task AdminAdd_Cli_CreatesAnOperatorWhoCanSignIn()
    {
        var added = await KabarCliRunner.RunAsync(App, "admin", "add", "kepala@karokab.go.id", "--role", "admin");
        Assert.True(added.Code == 0, added.ToString());
        var password = Assert.Single(added.StdoutLines);
        Assert.True(password.Length >= 12, added.ToString());
        var stored = await App.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync());
        Assert.Equal(OperatorRoles.Admin, stored.Role);
        Assert.DoesNotContain(password, stored.PasswordHash, StringComparison.Ordinal);

        var duplicate = await KabarCliRunner.RunAsync(App, "admin", "add", "kepala@karokab.go.id", "--role", "admin");
        Assert.True(duplicate.Code == 1, duplicate.ToString());
        Assert.Contains("already exists", duplicate.Stderr, StringComparison.Ordinal);
        var badRole = await KabarCliRunner.RunAsync(App, "admin", "add", "x@karokab.go.id", "--role", "root");
        Assert.True(badRole.Code == 2, badRole.ToString());
        Assert.Contains("--role must be one of admin, operator, viewer", badRole.Stderr, StringComparison.Ordinal);

        await SignInAsync(Page, "kepala@karokab.go.id", password);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dasbor");
    }

    [Fact]
    public async Task AnAdmin_RequiresTwoFactorForEveryone_FromTheAccountPage_AndTheNextSignInMustEnrol()
    {
        await AddOperatorAsync(App, "admin@karokab.go.id");
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "admin@karokab.go.id");
        await Page.GotoAsync("/admin/account");
        Assert.Equal("Verifikasi dua langkah belum wajib.", await Page.GetByTestId("two-factor-rule").InnerTextAsync());
        Assert.Equal(2, await Page.GetByTestId("operators").Locator("tbody tr").CountAsync());
        await Page.GetByRole(AriaRole.Button, new() { Name = "Wajibkan untuk semua" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("two-factor-rule")).ToHaveTextAsync("Verifikasi dua langkah wajib untuk semua pengguna konsol.");
        await Browser.ScreenshotAsync(Page, "admin-account");
        Assert.Contains(App.Logs.Lines, l => l.Contains("Two-factor sign-in required for every operator", StringComparison.Ordinal));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pasang verifikasi dua langkah");

        // An operator cannot change the rule, even by posting the form directly.
        await Context.ClearCookiesAsync();
        await App.WithDbAsync(db => db.AppSettings.Where(x => x.Key == OperatorStore.RequireTwoFactorSetting).ExecuteDeleteAsync());
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/account");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Wajibkan untuk semua" }).CountAsync());
        var token = await Page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
        var response = await Page.APIRequest.PostAsync("/admin/account?handler=Require", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("required", "true").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(302, response.Status);
        Assert.Contains("/admin/denied", response.Headers["location"], StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.AppSettings.AnyAsync(x => x.Key == OperatorStore.RequireTwoFactorSetting && x.Value == "true")));
    }
}
