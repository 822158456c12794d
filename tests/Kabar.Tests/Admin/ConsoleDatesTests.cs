using System.Net;
using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Admin;

/// <summary>
/// Dates in the console are typed and shown as the office writes them, <c>DD-MM-YYYY</c>, never in
/// the browser's locale; a date that is not one is said so on its field and never read as "no date".
/// </summary>
public sealed class ConsoleDatesTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("06-11-2026", "06-11-2026")]
    [InlineData("6-11-2026", "06-11-2026")]
    [InlineData("06/11/2026", "06-11-2026")]
    [InlineData("2026-11-06", "06-11-2026")] // a link saved before the console spoke DD-MM-YYYY
    public async Task Dashboard_ReadsTheUsualForms_AndShowsDdMmYyyy(string typed, string shown)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/admin?from={Uri.EscapeDataString(typed)}&to=05-12-2026"));
        Assert.Contains($"id=\"from\" name=\"From\" value=\"{shown}\"", html, StringComparison.Ordinal);
        Assert.Contains($"{shown} sampai 05-12-2026", html, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"date\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-invalid", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/notifications")]
    public async Task ADateThatIsNotOne_IsNamedOnItsField_InTheReadersLanguage(string page)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        using var response = await client.GetAsync($"{page}?from=31-02-2026");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("“31-02-2026” bukan tanggal. Tulis DD-MM-YYYY, misalnya 06-11-2026.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"31-02-2026\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"from-hint from-error\" aria-invalid=\"true\"", html, StringComparison.Ordinal);

        var english = WebUtility.HtmlDecode(await client.GetStringAsync($"{page}?from=yesterday&lang=en"));
        Assert.Contains("“yesterday” is not a date. Write DD-MM-YYYY, for example 06-11-2026.", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_WithAnUnreadableRegistrationDate_IsRefused_NotSentToEveryone()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = await Console.SignedInClientAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);

        using var refused = await PostCampaignAsync(client, "Surat lama", from: "2026/13/01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("bukan tanggal; tulis DD-MM-YYYY", html, StringComparison.Ordinal);
        Assert.Contains("value=\"2026/13/01\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Campaigns.CountAsync()));

        using var saved = await PostCampaignAsync(client, "Pemohon November", from: "01-11-2026", to: "30-11-2026");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var campaign = await app.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync());
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), (campaign.RegisteredFrom, campaign.RegisteredTo));
        Assert.Equal(CampaignState.Draft, campaign.State);
        var page = await saved.Content.ReadAsStringAsync();
        Assert.Contains("01-11-2026", page, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostCampaignAsync(HttpClient client, string name, string from, string to = "")
    {
        var form = await client.GetStringAsync("/admin/campaigns");
        return await client.PostAsync("/admin/campaigns", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = name,
            ["Input.RegisteredFrom"] = from,
            ["Input.RegisteredTo"] = to,
            ["Input.Channel"] = "sms",
            ["Input.DailyCap"] = "100",
            ["Input.SendFrom"] = "09:00",
            ["Input.SendUntil"] = "16:00",
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(form),
        }));
    }
}
