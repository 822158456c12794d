using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>Signing in to <c>/admin</c> in Chromium: password, TOTP enrolment and codes, lockout, cookies, roles.</summary>
public sealed class ConsoleSignInTests(Browser browser, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;
    private IBrowserContext context = null!;
    private IPage page = null!;

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);
        context = await browser.NewContextAsync(app.BaseUrl, width: 1280);
        page = await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Console_WithoutSignIn_SendsToTheSignInPage()
    {
        await page.GotoAsync("/admin");
        Assert.StartsWith(app.BaseUrl + "/admin/login", page.Url, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "admin-login");
    }

    [Fact]
    public async Task SignIn_WithPassword_ReachesTheDashboard_WithHardenedCookies_AndSignOutEndsIt()
    {
        await AddOperatorAsync(app, "admin@karokab.go.id");
        await SignInAsync(page, "Admin@KaroKab.go.id");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");

        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-kabar-admin");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);

        await page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Masuk ke konsol Kabar");
        await page.GotoAsync("/admin");
        Assert.StartsWith(app.BaseUrl + "/admin/login", page.Url, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.Contains("signed in", StringComparison.Ordinal) && l.Contains("a***@karokab.go.id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_WhenTwoFactorIsRequired_EnrolsOnce_ThenAsksForAFreshCodeEachTime()
    {
        var op = await AddOperatorAsync(app, "operator@karokab.go.id", OperatorRoles.Operator);
        await app.WithDbAsync(async db =>
        {
            db.AppSettings.Add(new Kabar.Data.AppSetting { Key = OperatorStore.RequireTwoFactorSetting, Value = "true", CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        await SignInAsync(page, op.Email);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Pasang verifikasi dua langkah");
        await Browser.ScreenshotAsync(page, "admin-2fa-enrol");
        var key = await page.GetByTestId("totp-key").InnerTextAsync();
        await page.GotoAsync("/admin");
        Assert.StartsWith(app.BaseUrl + "/admin/login", page.Url, StringComparison.Ordinal);

        // Enrolment is still pending: sign in again, enrol with a wrong and then a right code.
        await SignInAsync(page, op.Email);
        key = await page.GetByTestId("totp-key").InnerTextAsync();
        await page.GetByLabel("Kode 6 angka").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aktifkan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Kode salah");
        await page.GetByLabel("Kode 6 angka").FillAsync(CodeNow(app, key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Aktifkan" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");
        var stored = await app.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync(o => o.Id == op.Id));
        Assert.True(stored.TotpEnabled);
        Assert.DoesNotContain(key, stored.TotpSecret!, StringComparison.Ordinal);

        // Next time: password, then a code; the code already used does not work twice.
        await page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await SignInAsync(page, op.Email);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Kode verifikasi");
        await page.GotoAsync("/admin");
        Assert.StartsWith(app.BaseUrl + "/admin/login", page.Url, StringComparison.Ordinal);
        // Knowing the password is not enough to enrol a new authenticator instead of the code.
        await SignInAsync(page, op.Email);
        await page.GotoAsync("/admin/login/enrol");
        Assert.StartsWith(app.BaseUrl + "/admin/login", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("totp-key").CountAsync());
        Assert.Equal(stored.TotpSecret, (await app.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync(o => o.Id == op.Id))).TotpSecret);

        await SignInAsync(page, op.Email);
        await page.GetByLabel("Kode 6 angka dari aplikasi autentikator").FillAsync(CodeNow(app, key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Lanjut" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("sudah dipakai");
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Kode 6 angka dari aplikasi autentikator").FillAsync(CodeNow(app, key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Lanjut" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockTheAccount_UntilTheLockoutPasses()
    {
        await AddOperatorAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        for (var i = 0; i < 4; i++)
        {
            await SignInAsync(page, "viewer@karokab.go.id", "wrong password " + i);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Email atau kata sandi salah.");
        }

        await SignInAsync(page, "viewer@karokab.go.id", "wrong password 5");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("dikunci");
        await SignInAsync(page, "viewer@karokab.go.id");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("dikunci");
        Assert.Contains(app.Logs.Lines, l => l.Contains("locked until", StringComparison.Ordinal));

        app.Time.Advance(TimeSpan.FromMinutes(16));
        await SignInAsync(page, "viewer@karokab.go.id");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");

        // An unknown address gets the same answer as a wrong password.
        await context.ClearCookiesAsync();
        await SignInAsync(page, "nobody@karokab.go.id");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Email atau kata sandi salah.");
    }

    [Fact]
    public async Task AdminAdd_Cli_CreatesAnOperatorWhoCanSignIn()
    {
        var (code, output) = await KabarCliRunner.RunAsync(app, "admin", "add", "kepala@karokab.go.id", "--role", "admin");
        Assert.True(code == 0, output);
        var password = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        Assert.True(password.Length >= 12, output);
        var stored = await app.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync());
        Assert.Equal(OperatorRoles.Admin, stored.Role);
        Assert.DoesNotContain(password, stored.PasswordHash, StringComparison.Ordinal);

        var (again, duplicate) = await KabarCliRunner.RunAsync(app, "admin", "add", "kepala@karokab.go.id", "--role", "admin");
        Assert.Equal(1, again);
        Assert.Contains("already exists", duplicate, StringComparison.Ordinal);
        var (bad, badRole) = await KabarCliRunner.RunAsync(app, "admin", "add", "x@karokab.go.id", "--role", "root");
        Assert.Equal(2, bad);
        Assert.Contains("--role must be one of admin, operator, viewer", badRole, StringComparison.Ordinal);

        await SignInAsync(page, "kepala@karokab.go.id", password);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");
    }

    [Fact]
    public async Task AnAdmin_RequiresTwoFactorForEveryone_FromTheAccountPage_AndTheNextSignInMustEnrol()
    {
        await AddOperatorAsync(app, "admin@karokab.go.id");
        await AddOperatorAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(page, "admin@karokab.go.id");
        await page.GotoAsync("/admin/account");
        Assert.Equal("Verifikasi dua langkah belum wajib.", await page.GetByTestId("two-factor-rule").InnerTextAsync());
        Assert.Equal(2, await page.GetByTestId("operators").Locator("tbody tr").CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Wajibkan untuk semua" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-rule")).ToHaveTextAsync("Verifikasi dua langkah wajib untuk semua pengguna konsol.");
        await Browser.ScreenshotAsync(page, "admin-account");
        Assert.Contains(app.Logs.Lines, l => l.Contains("Two-factor sign-in required for every operator", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await SignInAsync(page, "petugas@karokab.go.id");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Pasang verifikasi dua langkah");

        // An operator cannot change the rule, even by posting the form directly.
        await context.ClearCookiesAsync();
        await app.WithDbAsync(db => db.AppSettings.Where(x => x.Key == OperatorStore.RequireTwoFactorSetting).ExecuteDeleteAsync());
        await SignInAsync(page, "petugas@karokab.go.id");
        await page.GotoAsync("/admin/account");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Wajibkan untuk semua" }).CountAsync());
        var token = await page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
        var response = await page.APIRequest.PostAsync("/admin/account?handler=Require", new()
        {
            Form = page.APIRequest.CreateFormData().Set("required", "true").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(302, response.Status);
        Assert.Contains("/admin/denied", response.Headers["location"], StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.AppSettings.AnyAsync(x => x.Key == OperatorStore.RequireTwoFactorSetting && x.Value == "true")));
    }
}
