using Kabar.Admin;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>The console's pages in Chromium: from the log to a decision, a consent recorded by an operator, a paused number.</summary>
public sealed class ConsolePagesTests(Browser browser, PostgresServer postgres) : IAsyncLifetime
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
    public async Task NotificationLog_FiltersByReason_AndLeadsToTheDecisionAndAttempts()
    {
        await app.CreateContactAsync("+6281250000001", optedIn: true);
        await app.CreateContactAsync("+6281250000002", optedIn: false);
        await app.PermitReadyAsync("+6281250000001");
        var unconsented = await app.PermitReadyAsync("+6281250000002");
        await app.SendAndSettleAsync();

        await AddOperatorAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(page, "viewer@karokab.go.id");
        await page.GetByRole(AriaRole.Link, new() { Name = "Notifikasi", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notification-log").Locator("tbody tr")).ToHaveCountAsync(2);
        await page.GetByLabel("Alasan").SelectOptionAsync("no_consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Saring" }).ClickAsync();
        var rows = page.GetByTestId("notification-log").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "admin-notifications");

        await rows.First.Locator("a").First.ClickAsync();
        Assert.EndsWith($"/admin/notifications/{unconsented}", page.Url, StringComparison.Ordinal);
        var decision = await page.GetByTestId("decision").InnerTextAsync();
        Assert.Contains("no_consent", decision, StringComparison.Ordinal);
        Assert.Contains("unknown", decision, StringComparison.Ordinal);
        var attempt = page.GetByTestId("attempt");
        await Assertions.Expect(attempt).ToHaveCountAsync(1);
        Assert.Contains("sms", await attempt.InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "admin-notification");
    }

    [Fact]
    public async Task ContactPage_OperatorRecordsAConsent_WithThemselvesAsEvidence_AViewerCannot()
    {
        var id = await app.CreateContactAsync("+6281250000003", optedIn: false);
        await AddOperatorAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(page, "petugas@karokab.go.id");
        await page.GotoAsync("/admin/contacts");
        await page.GetByLabel("Nomor HP atau nama").FillAsync("0812-5000-0003");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cari" }).ClickAsync();
        Assert.EndsWith($"/admin/contacts/{id}", page.Url, StringComparison.Ordinal);
        Assert.Equal("unknown", await page.GetByTestId("consent-whatsapp").InnerTextAsync());

        await page.GetByLabel("Dasar (wajib)").FillAsync("Warga meminta lewat telepon kantor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Catat" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Tercatat di buku persetujuan.");
        Assert.Equal("granted", await page.GetByTestId("consent-whatsapp").InnerTextAsync());
        Assert.Contains("petugas@karokab.go.id", await page.GetByTestId("ledger").InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "admin-contact");
        var e = await app.WithDbAsync(db => db.ConsentEvents.AsNoTracking().SingleAsync(x => x.ContactId == id));
        Assert.Equal(ConsentSource.Admin, e.Source);
        Assert.Equal("petugas@karokab.go.id", e.Operator);
        Assert.Equal("Warga meminta lewat telepon kantor", e.Note);

        // A viewer sees the ledger but has no form, and a forged post is refused.
        await page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await AddOperatorAsync(app, "tamu@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(page, "tamu@karokab.go.id");
        await page.GotoAsync($"/admin/contacts/{id}");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Catat" }).CountAsync());
        var token = await page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
        var response = await page.APIRequest.PostAsync($"/admin/contacts/{id}", new()
        {
            Form = page.APIRequest.CreateFormData().Set("Scope", "whatsapp").Set("Action", "withdrawn").Set("Note", "x").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(302, response.Status);
        Assert.StartsWith("/admin/denied", new Uri(response.Headers["location"], UriKind.RelativeOrAbsolute).ToString().Replace(app.BaseUrl, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.ConsentEvents.CountAsync(x => x.ContactId == id)));
    }

    [Fact]
    public async Task PausedNumber_IsShownWithItsReason_AndAnOperatorResumesIt()
    {
        await app.CreateContactAsync("+6281250000004", optedIn: true);
        await app.FaultAsync(null, 190);
        await app.PermitReadyAsync("+6281250000004");
        await app.DispatchAsync();

        await AddOperatorAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(page, "petugas@karokab.go.id");
        await page.GotoAsync("/admin/whatsapp");
        var numbers = await page.GetByTestId("numbers").InnerTextAsync();
        Assert.Contains("dijeda", numbers, StringComparison.Ordinal);
        Assert.Contains("Access token expired or invalid", numbers, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "admin-whatsapp");

        await page.GetByRole(AriaRole.Button, new() { Name = "Lanjutkan" }).ClickAsync();
        Assert.Contains("aktif", await page.GetByTestId("numbers").InnerTextAsync(), StringComparison.Ordinal);
        await app.DispatchAsync();
        Assert.Single(app.WhatsAppTo("+6281250000004"));
    }

    [Fact]
    public async Task StaffLink_InADocumentPendingNotice_OpensThePermitWithItsDocuments()
    {
        const string staff = "+6281250000006";
        await app.CreateContactAsync(staff, optedIn: true);
        var documents = new object[] { new { name = "SK Izin", role = "staff", assignee = new { phone = staff, name = "Rina (loket)" } } };
        await app.PostPermitAsync(PermitSupport.Permit("ADM-DOCS", "in_review", "+6281250000005", issuedOn: null, documents: documents));
        await app.SendAndSettleAsync();
        var link = Assert.Single(app.WhatsAppTo(staff)).Parameters[^1];

        await AddOperatorAsync(app, "rina@karokab.go.id", OperatorRoles.Operator);
        await page.GotoAsync(new Uri(link).PathAndQuery);
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync("rina@karokab.go.id");
        await page.GetByLabel("Kata sandi").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Masuk", Exact = true }).ClickAsync();
        Assert.EndsWith(new Uri(link).AbsolutePath, page.Url, StringComparison.Ordinal);
        Assert.Contains("ADM-DOCS", await page.GetByTestId("permit").InnerTextAsync(), StringComparison.Ordinal);
        var rows = await page.GetByTestId("documents").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Contains(rows, r => r.Contains("SK Izin", StringComparison.Ordinal) && r.Contains("Rina (loket)", StringComparison.Ordinal));
        await Browser.ScreenshotAsync(page, "admin-permit");
    }

    [Fact]
    public async Task TemplatePausedByMeta_RaisesAnAlert_AndShowsItsStatus()
    {
        await app.RunJobAsync("template-sync");
        Assert.True(app.Simulator().SetTemplateStatus("permit_ready", "id", "PAUSED"));
        await app.Simulator().WhenIdleAsync();

        await AddOperatorAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(page, "viewer@karokab.go.id");
        await page.GotoAsync("/admin/whatsapp");
        var alert = page.GetByTestId("template-alert");
        await Assertions.Expect(alert).ToHaveCountAsync(1);
        Assert.Contains("permit_ready", await alert.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("PAUSED", await alert.InnerTextAsync(), StringComparison.Ordinal);
        var rows = await page.GetByTestId("templates").Locator("tbody tr").AllInnerTextsAsync();
        Assert.StartsWith("permit_ready\tid\tPAUSED", Assert.Single(rows, r => r.StartsWith("permit_ready\tid\t", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Lanjutkan" }).CountAsync());
        await Browser.ScreenshotAsync(page, "admin-whatsapp-alert");
    }
}
