using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// The dashboard against a seeded office: six people in every consent situation, sent through the
/// real pipeline and simulator. The test works out each figure itself from the rows, with SPEC §10's
/// definitions, and reads the same figure on the page and from <c>/api/stats</c>.
/// </summary>
public sealed class DashboardTests(Browser browser, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task SeedAsync()
    {
        await app.CreateContactAsync("+6281240000001", optedIn: true);
        await app.CreateContactAsync("+6281240000002", optedIn: true);
        await app.CreateContactAsync("+6281240000005", optedIn: true);
        await app.CreateContactAsync("+6281240000004", optedIn: false, email: "warga4@example.id");
        var withdrawn = await app.CreateContactAsync("+6281240000006", optedIn: true);
        using (var api = app.Api())
        {
            using var stop = await api.PostAsJsonAsync($"/api/contacts/{withdrawn}/consent", new { scope = "whatsapp", granted = false, source = "api" });
            Assert.True(stop.IsSuccessStatusCode);
        }

        // An unknown person who only stopped promotions: the window is open, WhatsApp consent unknown.
        app.Simulator().Inbound(new InboundRequest("+6281240000003", "STOP PROMOSI"));
        await app.Simulator().WhenIdleAsync();
        await app.FaultAsync("+6281240000005", 131026);
        foreach (var phone in new[] { "+6281240000001", "+6281240000002", "+6281240000003", "+6281240000004", "+6281240000005", "+6281240000006" })
        {
            await app.PermitReadyAsync(phone);
        }

        await app.SendAndSettleAsync();

        // The promotion-stopper's notice waits out the pair rate behind the keyword confirmation.
        await app.AdvanceAsync(TimeSpan.FromSeconds(10));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.State == NotificationState.Queued || n.State == NotificationState.Sending)));
    }

    /// <summary>SPEC §10 "reached": delivered or read; e-mail when the mail server took it.</summary>
    private static bool Reached(Notification n) =>
        n.State is NotificationState.Delivered or NotificationState.Read || (n.Channel == Channel.Email && n.State == NotificationState.Sent);

    private static string Percent(long numerator, long denominator) =>
        denominator == 0 ? "–" : ((double)numerator * 100 / denominator).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    [Fact]
    public async Task Dashboard_ShowsEachFigure_AsComputedIndependentlyFromTheRows()
    {
        await SeedAsync();
        var contacts = await app.WithDbAsync(db => db.Contacts.AsNoTracking().ToListAsync());
        var attempts = await app.WithDbAsync(db => db.DeliveryAttempts.AsNoTracking().ToListAsync());
        var notifications = await app.WithDbAsync(db => db.Notifications.AsNoTracking().ToListAsync());
        var grants = await app.WithDbAsync(db => db.ConsentEvents.AsNoTracking()
            .Where(e => e.Scope == ConsentScope.WhatsApp && e.Action == ConsentAction.Granted).ToListAsync());

        var sends = attempts.Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null).ToList();
        var processed = notifications.Where(n => n.State is NotificationState.Sent or NotificationState.Delivered
            or NotificationState.Read or NotificationState.Failed).ToList();
        var expected = new Dictionary<string, string>
        {
            ["opt-in-rate"] = Percent(contacts.Count(c => c.WhatsAppConsent == ConsentState.Granted), contacts.Count),
            ["opt-out-rate"] = Percent(contacts.Count(c => c.WhatsAppConsent == ConsentState.Withdrawn), contacts.Count),
            ["window-usage"] = Percent(sends.Count(a => a.WindowOpen), sends.Count),
            ["fallback-rate"] = Percent(processed.Count(n => n.Channel is Channel.Sms or Channel.Email && n.State != NotificationState.Failed), processed.Count),
            ["whatsapp-delivery"] = Percent(sends.Count(a => a.Status is AttemptStatus.Delivered or AttemptStatus.Read), sends.Count),
            ["end-to-end-delivery"] = Percent(processed.Count(Reached), processed.Count),
        };
        var windowOnly = Percent(sends.Count(a => a.Reason == "service_window"), sends.Count);
        var prices = new WhatsAppPriceOptions();
        var cost = sends.Where(a => a.Billable).Sum(a => (decimal)prices.For(a.PricingCategory));

        // The scenario's own anchors, so the independent figures are not all zero: 3 of 6 opted in
        // (one withdrew), the promotion-stopper got WhatsApp only through the window, the person
        // not on WhatsApp and the one who withdrew were reached by SMS.
        Assert.Equal("50.0%", expected["opt-in-rate"]);
        Assert.Equal("16.7%", expected["opt-out-rate"]);
        Assert.NotEqual("0.0%", windowOnly);
        Assert.NotEqual("0.0%", expected["fallback-rate"]);
        Assert.True(cost > 0);

        await using var context = await browser.NewContextAsync(app.BaseUrl, width: 1280);
        var page = await context.NewPageAsync();
        await AddOperatorAsync(app, "kepala@karokab.go.id", Kabar.Admin.OperatorRoles.Viewer);
        await SignInAsync(page, "kepala@karokab.go.id");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");
        await Browser.ScreenshotAsync(page, "admin-dashboard");
        foreach (var (figure, value) in expected)
        {
            Assert.Equal((figure, value), (figure, await page.GetByTestId(figure).Locator(".value").InnerTextAsync()));
        }

        Assert.Equal(windowOnly, await page.GetByTestId("window-only-share").InnerTextAsync());
        Assert.Equal("US$ " + cost.ToString("0.00", CultureInfo.InvariantCulture), await page.GetByTestId("cost").Locator(".value").InnerTextAsync());
        var funnel = await page.GetByTestId("funnel").Locator("tbody tr").AllInnerTextsAsync();
        foreach (var source in grants.GroupBy(g => g.Source))
        {
            Assert.Contains($"{Kabar.Admin.ConsoleLabels.Word(source.Key, english: false)}\t{source.Count()}", funnel);
        }

        var failures = await page.GetByTestId("failures").Locator("tbody tr").AllInnerTextsAsync();
        // The meaning in words, the code in small print beside it, then what staff should do.
        var meaning = Kabar.Admin.ErrorMeanings.Describe(131026, english: false).Meaning;
        Assert.Contains(failures, f => f.StartsWith($"{meaning} 131026 Periksa nomornya", StringComparison.Ordinal) && f.EndsWith($"\t{attempts.Count(a => a.ErrorCode == 131026)}", StringComparison.Ordinal));

        // The API gives the same figures.
        using var api = app.Api();
        var stats = await api.GetFromJsonAsync<JsonElement>("/api/stats");
        Assert.Equal(sends.Count, stats.GetProperty("windowUsage").GetProperty("denominator").GetInt64());
        Assert.Equal(sends.Count(a => a.WindowOpen), stats.GetProperty("windowUsage").GetProperty("numerator").GetInt64());
        Assert.Equal(processed.Count, stats.GetProperty("fallbackRate").GetProperty("denominator").GetInt64());
        Assert.Equal(decimal.Round(cost, 4), stats.GetProperty("estimatedCost").GetDecimal());
    }

    [Fact]
    public async Task Stats_RefusesABackwardPeriod_NamingTheField()
    {
        using var api = app.Api();
        using var response = await api.GetAsync("/api/stats?from=2026-11-20T00:00:00Z&to=2026-11-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"from\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var anonymous = app.CreateClient();
        using var refused = await anonymous.GetAsync("/api/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
