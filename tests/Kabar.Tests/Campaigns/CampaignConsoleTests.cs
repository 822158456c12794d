using System.Net;
using System.Text.Json;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Web;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Campaigns;

/// <summary>The campaign and experiment pages of the console in Chromium, against asks and consents recorded through the real flow.</summary>
public sealed class CampaignConsoleTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task Operator_DraftsAndStartsACampaign_AndSeesWhoWasAskedOpenedAndConfirmed()
    {
        var people = new[]
        {
            await SeedAsync(App, "+6281270000001"),
            await SeedAsync(App, "+6281270000002"),
            await SeedAsync(App, "+6281270000003"),
        };
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Kampanye", Exact = true }).ClickAsync();

        // Sending hours in the quiet hours are refused, naming the field.
        await Page.GetByLabel("Nama kampanye").FillAsync("Ajak WhatsApp November");
        await Page.GetByLabel("Kirim sampai (WIB)").FillAsync("22:00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Simpan sebagai draf" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("sendingHours");

        await Page.GetByLabel("Kirim sampai (WIB)").FillAsync("16:00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Simpan sebagai draf" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("campaign-state")).ToHaveTextAsync("draf");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Mulai" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("campaign-state")).ToHaveTextAsync("berjalan");

        await App.RunCampaignsAsync();
        await App.DispatchAsync();
        var first = CitizenPages.OnlyLink(CitizenPages.OptInLink(), CitizenPages.LastSms(App, people[0].Phone!));
        var second = CitizenPages.OnlyLink(CitizenPages.OptInLink(), CitizenPages.LastSms(App, people[1].Phone!));
        var citizen = await Bounded(Context.NewPageAsync(), "open a page");
        // The page's script reports the open (a POST); a GET alone would record nothing.
        static bool Opened(IResponse r) => r.Url.Contains("handler=Opened", StringComparison.Ordinal) && r.Status == 204;
        await citizen.RunAndWaitForResponseAsync(() => citizen.GotoAsync(first), Opened);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await citizen.RunAndWaitForResponseAsync(() => citizen.GotoAsync(second), Opened);
        await CloseAsync(citizen);

        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByTestId("asked")).ToHaveTextAsync("3");
        await Assertions.Expect(Page.GetByTestId("opened")).ToHaveTextAsync("2");
        await Assertions.Expect(Page.GetByTestId("confirmed")).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(Page, "admin-campaign");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Jeda" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("campaign-state")).ToHaveTextAsync("dijeda");
    }

    [Fact]
    public async Task ExperimentPage_ShowsTheFiguresTheApiReturns_WithAChartAndTheVerdict()
    {
        var experiment = await ExperimentFlowTests.CreateExperimentAsync(App, ExperimentFlowTests.TwoVariants("Teks pendek lawan panjang"));
        var people = await SeedManyAsync(App, 8, "+62812710");
        await CreateAsync(App, Body(experimentId: experiment));
        for (var i = 0; i < 3; i++)
        {
            await App.RunCampaignsAsync();
        }

        await App.DispatchAsync();
        var citizen = await Bounded(Context.NewPageAsync(), "open a page");
        foreach (var p in people.Take(3))
        {
            await citizen.GotoAsync(CitizenPages.OnlyLink(CitizenPages.OptInLink(), CitizenPages.LastSms(App, p.Phone!)));
            await citizen.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
            await Assertions.Expect(citizen.Locator("h1")).ToHaveTextAsync("Terima kasih, Anda sudah setuju");
        }

        await CloseAsync(citizen);
        using var api = App.Api();
        using var response = await api.GetAsync($"/api/experiments/{experiment}", TestContext.Current.CancellationToken);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var analysis = await KabarApp.ReadAsync<JsonElement>(response);
        Assert.Equal(8, analysis.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("asked").GetInt64()));
        Assert.Equal(3, analysis.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("converted").GetInt64()));

        await AddOperatorAsync(App, "lihat@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "lihat@karokab.go.id");
        await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Eksperimen", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Eksperimen baru" })).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Teks pendek lawan panjang" }).ClickAsync();
        foreach (var v in analysis.GetProperty("variants").EnumerateArray())
        {
            var key = v.GetProperty("key").GetString();
            await Assertions.Expect(Page.GetByTestId($"asked-{key}")).ToHaveTextAsync(v.GetProperty("asked").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(Page.GetByTestId($"converted-{key}")).ToHaveTextAsync(v.GetProperty("converted").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Assertions.Expect(Page.GetByTestId("verdict")).ToHaveTextAsync(analysis.GetProperty("summaryId").GetString()!);
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Tingkat persetujuan per varian dengan interval Wilson 95 %" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(Page, "admin-experiment");
    }
}
