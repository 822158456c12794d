using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Admin;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Kabar.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Admin;

/// <summary>
/// The dashboard's and the campaign page's charts in Chromium, over an office whose notices went
/// every way the sandbox allows: delivered on WhatsApp, by SMS that no gateway confirms, skipped
/// for a foreign number, and a campaign's opt-in requests by SMS. Each chart's table is checked
/// against counts the test makes from the rows; axe-core checks both pages at 360 and 1366 px.
/// </summary>
public sealed class DashboardChartsTests(Browser browser, PostgresServer postgres) : IAsyncLifetime
{
    private const double UsdToIdr = 20_000;
    private const string Today = "25-11-2026";

    private KabarApp app = null!;

    public async ValueTask InitializeAsync() =>
        app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:WhatsApp:Prices:UsdToIdr"] = UsdToIdr.ToString(CultureInfo.InvariantCulture) }, kestrel: true);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>Two notices (WhatsApp and SMS), one skipped, and a campaign that asked two people by SMS, one of whom agreed.</summary>
    private async Task<Guid> SeedOfficeAsync()
    {
        await app.CreateContactAsync("+6281250000001", optedIn: true);
        await app.CreateContactAsync("+6281250000002", optedIn: false);
        // SMS goes only to Indonesian mobiles: this notice is skipped.
        await app.CreateContactAsync("+14155550100", optedIn: false);
        var asked = new[] { await SeedAsync(app, "+6281250000011", permitType: "Izin Usaha"), await SeedAsync(app, "+6281250000012", permitType: "Izin Usaha") };
        foreach (var phone in new[] { "+6281250000001", "+6281250000002", "+14155550100" })
        {
            await app.PermitReadyAsync(phone);
        }

        await app.SendAndSettleAsync();
        var campaign = await CreateAsync(app, Body(permitType: "Izin Usaha"));
        await app.RunCampaignsAsync();
        await app.SendAndSettleAsync();

        await using var context = await browser.NewContextAsync(app.BaseUrl, width: 1366);
        var citizen = await context.NewPageAsync();
        static bool Opened(IResponse r) => r.Url.Contains("handler=Opened", StringComparison.Ordinal) && r.Status == 204;
        await citizen.RunAndWaitForResponseAsync(() => citizen.GotoAsync(CitizenPages.OnlyLink(CitizenPages.OptInLink(), CitizenPages.LastSms(app, asked[0].Phone!))), Opened);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await Assertions.Expect(citizen.Locator("h1")).ToHaveTextAsync("Terima kasih, Anda sudah setuju");
        return campaign;
    }

    private static DeliveryOutcome? OutcomeOf(Notification n) => n.State switch
    {
        NotificationState.Delivered or NotificationState.Read => DeliveryOutcome.Reached,
        NotificationState.Sent => n.Channel == Channel.Email ? DeliveryOutcome.Reached : DeliveryOutcome.SentNoReport,
        NotificationState.Failed => DeliveryOutcome.Failed,
        NotificationState.Skipped => DeliveryOutcome.Skipped,
        _ => null,
    };

    private static string Percent(long numerator, long denominator) =>
        denominator == 0 ? "–" : ((double)numerator * 100 / denominator).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static async Task AxeAtBothWidthsAsync(IPage page)
    {
        await page.SetViewportSizeAsync(360, 740);
        await Axe.AssertAsync(page);
        await page.SetViewportSizeAsync(1366, 900);
        await Axe.AssertAsync(page);
    }

    [Fact]
    public async Task Dashboard_ChartsAndTheirTables_ShowTheRowsCounts_WithCampaignAsksOutOfTheFallbackRate()
    {
        await SeedOfficeAsync();
        var notifications = await app.WithDbAsync(db => db.Notifications.AsNoTracking().ToListAsync());
        var attempts = await app.WithDbAsync(db => db.DeliveryAttempts.AsNoTracking().ToListAsync());
        var counted = notifications.Where(n => OutcomeOf(n) is not null).ToList();
        long Count(Channel? channel, DeliveryOutcome outcome) => counted.Count(n => OutcomeOf(n) == outcome && (channel is null || n.Channel == channel));
        // The scenario's anchors: the two campaign requests went by SMS and were never confirmed,
        // like the permit notice by SMS; one notice was skipped; one was delivered on WhatsApp.
        var asks = notifications.Where(n => n.CampaignId is not null).ToList();
        Assert.Equal(2, asks.Count);
        Assert.All(asks, n => Assert.Equal((Channel.Sms, NotificationState.Sent), (n.Channel, n.State)));
        Assert.Equal(3, Count(Channel.Sms, DeliveryOutcome.SentNoReport));
        Assert.Equal(1, Count(null, DeliveryOutcome.Skipped));
        Assert.True(Count(Channel.WhatsApp, DeliveryOutcome.Reached) >= 1);

        await using var context = await browser.NewContextAsync(app.BaseUrl, width: 1366);
        var page = await context.NewPageAsync();
        await AddOperatorAsync(app, "kepala@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(page, "kepala@karokab.go.id");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dasbor");
        await Browser.ScreenshotAsync(page, "admin-dashboard-charts");

        // The daily bar's table: today's row and the totals, part by part, as counted from the rows.
        long[] expected = [Count(Channel.WhatsApp, DeliveryOutcome.Reached), Count(Channel.WhatsApp, DeliveryOutcome.SentNoReport),
            Count(Channel.Sms, DeliveryOutcome.Reached), Count(Channel.Sms, DeliveryOutcome.SentNoReport), Count(Channel.Email, DeliveryOutcome.Reached),
            Count(null, DeliveryOutcome.Failed), Count(null, DeliveryOutcome.Skipped), counted.Count];
        var table = page.GetByTestId("volume-table");
        Assert.Equal(["Hari", "WhatsApp: sampai", "WhatsApp: terkirim, tanpa laporan", "SMS: sampai", "SMS: terkirim, tanpa laporan", "email: sampai", "gagal", "tidak dikirim", "Jumlah"],
            (await table.Locator("thead th").AllTextContentsAsync()).Select(t => t.Trim()));
        var todayRow = table.Locator("tbody tr").Filter(new() { HasText = Today });
        Assert.Equal(expected.Select(v => v.ToString(CultureInfo.InvariantCulture)), await todayRow.Locator("td").AllTextContentsAsync());
        Assert.Equal(expected.Select(v => v.ToString(CultureInfo.InvariantCulture)), await table.Locator("tfoot td").AllTextContentsAsync());
        Assert.Equal(30, await table.Locator("tbody tr").CountAsync());
        var chart = page.Locator("svg#volume-chart");
        Assert.Equal("img", await chart.GetAttributeAsync("role"));
        Assert.Contains($"Jumlah {counted.Count} notifikasi: {Count(null, DeliveryOutcome.Reached)} sampai, {Count(null, DeliveryOutcome.SentNoReport)} terkirim tanpa laporan",
            await chart.Locator("desc").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal([counted.Count.ToString(CultureInfo.InvariantCulture)], await chart.Locator("text.total").AllTextContentsAsync());

        // Unconfirmed SMS are "sent, no report" under "reached", with the reason, not a failure.
        var reached = page.GetByTestId("end-to-end-delivery");
        Assert.Equal($"{Count(null, DeliveryOutcome.SentNoReport)} terkirim, tanpa laporan", await reached.GetByTestId("sent-no-report").InnerTextAsync());
        await Assertions.Expect(reached).ToContainTextAsync("itu bukan kegagalan");

        // The fallback rate leaves the campaign's requests out; counting them would read higher.
        var processed = notifications.Where(n => n.State is NotificationState.Sent or NotificationState.Delivered or NotificationState.Read or NotificationState.Failed).ToList();
        bool ByFallback(Notification n) => n.Channel is Channel.Sms or Channel.Email && n.State != NotificationState.Failed;
        var notices = processed.Where(n => n.CampaignId is null).ToList();
        var fallback = Percent(notices.Count(ByFallback), notices.Count);
        Assert.NotEqual(Percent(processed.Count(ByFallback), processed.Count), fallback);
        Assert.Equal(fallback, await page.GetByTestId("fallback-rate").Locator(".value").InnerTextAsync());

        // The cost in dollars and in rupiah at the configured rate.
        var prices = new WhatsAppPriceOptions();
        var cost = attempts.Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null && a.Billable).Sum(a => (decimal)prices.For(a.PricingCategory));
        Assert.True(cost > 0);
        var rupiah = Math.Round((double)cost * UsdToIdr, MidpointRounding.AwayFromZero).ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.');
        Assert.Equal($"≈ Rp {rupiah}", await page.GetByTestId("cost-idr").InnerTextAsync());

        // The consent funnel: two asked, one opened and agreed, and still agrees.
        var funnel = await page.GetByTestId("consent-funnel-table").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(["Diminta lewat kampanye\t2\t100.0%", "Membuka tautan\t1\t50.0%", "Setuju WhatsApp\t1\t50.0%", "Masih setuju sekarang\t1\t50.0%"], funnel);
        Assert.Equal(["2", "1 (50.0%)", "1 (50.0%)", "1 (50.0%)"], await page.Locator("svg#consent-funnel-chart text.count").AllTextContentsAsync());

        await AxeAtBothWidthsAsync(page);

        // The same in English through the language switch.
        await page.GotoAsync("/admin?lang=en");
        await Assertions.Expect(page.GetByTestId("sent-no-report")).ToHaveTextAsync($"{Count(null, DeliveryOutcome.SentNoReport)} sent, no report");
        await Assertions.Expect(page.GetByTestId("volume-table").Locator("thead th").Nth(4)).ToHaveTextAsync("SMS: sent, no report");
    }

    [Fact]
    public async Task FallbackRate_LeavesCampaignAsksOut_AlsoForDaysTheRollupCounted()
    {
        await SeedOfficeAsync();
        using var api = app.Api();
        var live = (await api.GetFromJsonAsync<JsonElement>("/api/stats", TestContext.Current.CancellationToken)).GetProperty("fallbackRate");
        var notices = await app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.CampaignId == null && (n.State == NotificationState.Sent || n.State == NotificationState.Delivered
                || n.State == NotificationState.Read || n.State == NotificationState.Failed)).ToListAsync());
        Assert.Equal(notices.Count, live.GetProperty("denominator").GetInt64());
        Assert.Equal(notices.Count(n => n.Channel is Channel.Sms or Channel.Email && n.State != NotificationState.Failed), live.GetProperty("numerator").GetInt64());

        // A day later the job counts the day into the rollup; the figure read from it is the same.
        app.Time.Advance(TimeSpan.FromDays(1));
        await app.RunJobAsync("stats-rollup");
        Assert.True(await app.WithDbAsync(db => db.StatsNotificationDays.AnyAsync(d => d.CampaignAsk)));
        var rolled = (await api.GetFromJsonAsync<JsonElement>("/api/stats", TestContext.Current.CancellationToken)).GetProperty("fallbackRate");
        Assert.Equal(live.ToString(), rolled.ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("16,500")]
    public async Task ABadRupiahRate_StopsStartUp_NamingTheSetting(string value)
    {
        var error = await Record.ExceptionAsync(async () =>
            await (await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:WhatsApp:Prices:UsdToIdr"] = value })).DisposeAsync());

        Assert.NotNull(error);
        Assert.Contains("Kabar:WhatsApp:Prices:UsdToIdr", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CampaignPage_ShowsItsProgressFunnel_WithTheApisFigures_AndIsAxeClean()
    {
        var campaign = await SeedOfficeAsync();
        var progress = (await ProgressAsync(app, campaign)).GetProperty("progress");
        long Figure(string name) => progress.GetProperty(name).GetInt64();
        Assert.Equal((2, 2, 1, 1), (Figure("eligible"), Figure("asked"), Figure("opened"), Figure("confirmed")));

        await using var context = await browser.NewContextAsync(app.BaseUrl, width: 360);
        var page = await context.NewPageAsync();
        await AddOperatorAsync(app, "kepala@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(page, "kepala@karokab.go.id");
        await page.GotoAsync($"/admin/campaigns/{campaign}");
        Assert.Equal(["Sasaran\t2\t100.0%", "Diminta\t2\t100.0%", "Membuka tautan\t1\t50.0%", "Setuju WhatsApp\t1\t50.0%"],
            await page.GetByTestId("campaign-funnel-table").Locator("tbody tr").AllInnerTextsAsync());
        var chart = page.Locator("svg#campaign-funnel-chart");
        Assert.Equal(["2", "2 (100.0%)", "1 (50.0%)", "1 (50.0%)"], await chart.Locator("text.count").AllTextContentsAsync());
        Assert.Equal("Kemajuan kampanye", await page.Locator("#campaign-funnel-chart-title").TextContentAsync());
        await Browser.ScreenshotAsync(page, "admin-campaign-funnel");
        await AxeAtBothWidthsAsync(page);
    }
}
