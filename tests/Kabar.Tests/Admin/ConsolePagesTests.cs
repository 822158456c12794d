using Kabar.Admin;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>The console's pages in Chromium: from the log to a decision, a consent recorded by an operator, a paused number.</summary>
public sealed class ConsolePagesTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task NotificationLog_FiltersByReason_AndLeadsToTheDecisionAndAttempts()
    {
        await App.CreateContactAsync("+6281250000001", optedIn: true);
        await App.CreateContactAsync("+6281250000002", optedIn: false);
        await App.PermitReadyAsync("+6281250000001");
        var unconsented = await App.PermitReadyAsync("+6281250000002");
        await App.SendAndSettleAsync();

        await AddOperatorAsync(App, "viewer@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "viewer@karokab.go.id");
        // Which release answers, for the operator after an upgrade.
        await Assertions.Expect(Page.GetByRole(AriaRole.Contentinfo)).ToHaveTextAsync($"Kabar {Kabar.Common.KabarHost.Version}");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Notifikasi", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("notification-log").Locator("tbody tr")).ToHaveCountAsync(2);
        await Page.GetByLabel("Alasan").SelectOptionAsync("no_consent");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Saring" }).ClickAsync();
        var rows = Page.GetByTestId("notification-log").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(Page, "admin-notifications");

        await rows.First.Locator("a").First.ClickAsync();
        Assert.EndsWith($"/admin/notifications/{unconsented}", Page.Url, StringComparison.Ordinal);
        var decision = await Page.GetByTestId("decision").InnerTextAsync();
        Assert.Contains("belum setuju WhatsApp", decision, StringComparison.Ordinal);
        Assert.Contains("belum memilih", decision, StringComparison.Ordinal);
        var attempt = Page.GetByTestId("attempt");
        await Assertions.Expect(attempt).ToHaveCountAsync(1);
        Assert.Contains("SMS", await attempt.InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "admin-notification");
    }

    [Fact]
    public async Task ContactPage_OperatorRecordsAConsent_WithThemselvesAsEvidence_AViewerCannot()
    {
        var id = await App.CreateContactAsync("+6281250000003", optedIn: false);
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/contacts");
        await Page.GetByLabel("Nomor HP atau nama").FillAsync("0812-5000-0003");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cari" }).ClickAsync();
        Assert.EndsWith($"/admin/contacts/{id}", Page.Url, StringComparison.Ordinal);
        Assert.Equal("belum memilih", await Page.GetByTestId("consent-whatsapp").InnerTextAsync());

        await Page.GetByLabel("Dasar (wajib)").FillAsync("Warga meminta lewat telepon kantor");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Catat" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Tercatat di buku persetujuan.");
        Assert.Equal("setuju", await Page.GetByTestId("consent-whatsapp").InnerTextAsync());
        Assert.Contains("petugas@karokab.go.id", await Page.GetByTestId("ledger").InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "admin-contact");
        var e = await App.WithDbAsync(db => db.ConsentEvents.AsNoTracking().SingleAsync(x => x.ContactId == id));
        Assert.Equal(ConsentSource.Admin, e.Source);
        Assert.Equal("petugas@karokab.go.id", e.Operator);
        Assert.Equal("Warga meminta lewat telepon kantor", e.Note);

        // A viewer sees the ledger but has no form, and a forged post is refused.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
        await AddOperatorAsync(App, "tamu@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "tamu@karokab.go.id");
        await Page.GotoAsync($"/admin/contacts/{id}");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Catat" }).CountAsync());
        var token = await Page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
        var response = await Page.APIRequest.PostAsync($"/admin/contacts/{id}", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("Scope", "whatsapp").Set("Action", "withdrawn").Set("Note", "x").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(302, response.Status);
        Assert.StartsWith("/admin/denied", new Uri(response.Headers["location"], UriKind.RelativeOrAbsolute).ToString().Replace(App.BaseUrl, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(1, await App.WithDbAsync(db => db.ConsentEvents.CountAsync(x => x.ContactId == id)));
    }

    [Fact]
    public async Task PausedNumber_IsShownWithItsReason_AndAnOperatorResumesIt()
    {
        await App.CreateContactAsync("+6281250000004", optedIn: true);
        await App.FaultAsync(null, 190);
        await App.PermitReadyAsync("+6281250000004");
        await App.DispatchAsync();

        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp");
        var numbers = await Page.GetByTestId("numbers").InnerTextAsync();
        Assert.Contains("dijeda", numbers, StringComparison.Ordinal);
        Assert.Contains("Token akses kedaluwarsa atau tidak sah", numbers, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "admin-whatsapp");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Lanjutkan" }).ClickAsync();
        Assert.Contains("aktif", await Page.GetByTestId("numbers").InnerTextAsync(), StringComparison.Ordinal);
        await App.DispatchAsync();
        Assert.Single(App.WhatsAppTo("+6281250000004"));
    }

    [Fact]
    public async Task StaffLink_InADocumentPendingNotice_OpensThePermitWithItsDocuments()
    {
        const string staff = "+6281250000006";
        await App.CreateContactAsync(staff, optedIn: true);
        var documents = new object[] { new { name = "SK Izin", role = "staff", assignee = new { phone = staff, name = "Rina (loket)" } } };
        await App.PostPermitAsync(PermitSupport.Permit("ADM-DOCS", "in_review", "+6281250000005", issuedOn: null, documents: documents));
        await App.SendAndSettleAsync();
        var link = Assert.Single(App.WhatsAppTo(staff)).Parameters[^1];

        await AddOperatorAsync(App, "rina@karokab.go.id", OperatorRoles.Operator);
        await Page.GotoAsync(new Uri(link).PathAndQuery);
        Assert.Contains("/admin/login", Page.Url, StringComparison.Ordinal);
        await Page.GetByLabel("Email").FillAsync("rina@karokab.go.id");
        await Page.GetByLabel("Kata sandi").FillAsync(Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Masuk", Exact = true }).ClickAsync();
        Assert.EndsWith(new Uri(link).AbsolutePath, Page.Url, StringComparison.Ordinal);
        Assert.Contains("ADM-DOCS", await Page.GetByTestId("permit").InnerTextAsync(), StringComparison.Ordinal);
        var rows = await Page.GetByTestId("documents").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Contains(rows, r => r.Contains("SK Izin", StringComparison.Ordinal) && r.Contains("Rina (loket)", StringComparison.Ordinal));
        await Browser.ScreenshotAsync(Page, "admin-permit");
    }

    [Fact]
    public async Task TemplatePausedByMeta_RaisesAnAlert_AndShowsItsStatus()
    {
        await App.RunJobAsync("template-sync");
        Assert.True(App.Simulator().SetTemplateStatus("permit_ready", "id", "PAUSED"));
        await App.Simulator().WhenIdleAsync();

        await AddOperatorAsync(App, "viewer@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "viewer@karokab.go.id");
        await Page.GotoAsync("/admin/whatsapp");
        var alert = Page.GetByTestId("template-alert");
        await Assertions.Expect(alert).ToHaveCountAsync(1);
        Assert.Contains("permit_ready", await alert.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("dijeda", await alert.InnerTextAsync(), StringComparison.Ordinal);
        var rows = await Page.GetByTestId("templates").Locator("tbody tr").AllInnerTextsAsync();
        Assert.StartsWith("permit_ready\tIndonesia\tdijeda", Assert.Single(rows, r => r.StartsWith("permit_ready\tIndonesia\t", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Lanjutkan" }).CountAsync());
        await Browser.ScreenshotAsync(Page, "admin-whatsapp-alert");
    }
}
