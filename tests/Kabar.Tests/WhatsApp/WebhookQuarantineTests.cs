using System.Globalization;
using System.Net;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// The quarantine of webhook posts with unreadable parts: the retention job and an erasure
/// remove its posts, and <c>kabar webhooks replay ID</c> runs one through the intake again.
/// </summary>
public sealed class WebhookQuarantineTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Rina = "6281277890001";
    private const string Budi = "6281277890002";
    private const string Siti = "6281277890003";
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private DateTimeOffset At => app.Time.GetUtcNow().AddMinutes(-1);

    /// <summary>A good message from <paramref name="good"/> beside one from <paramref name="other"/> whose id cannot be read.</summary>
    private async Task<byte[]> PostPoisonedAsync(string good, string other, string wamid)
    {
        var json = Envelope(Messages(Text(good, wamid, At, "Halo"), Text(other, $"wamid.{SignedBytes.Marker}{wamid}", At, "Halo")));
        var body = SignedBytes.Spoil(json, "ff");
        using var response = await app.PostBytesAsync(body);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return body;
    }

    private Task<List<WebhookQuarantinePost>> QuarantineAsync() =>
        app.WithDbAsync(d => d.WebhookQuarantine.AsNoTracking().OrderBy(p => p.Id).ToListAsync());

    [Fact]
    public async Task Retention_DeletesQuarantinedPostsOlderThan30Days_KeepsNewerOnes()
    {
        await PostPoisonedAsync(Rina, Budi, "wamid.RET-OLD");
        app.Time.Advance(TimeSpan.FromDays(30));
        var newer = await PostPoisonedAsync(Rina, Siti, "wamid.RET-NEW");
        app.Time.Advance(TimeSpan.FromDays(1));

        using var api = app.Api();
        using var run = await api.PostAsync("/api/jobs/retention/run", null);
        await Http.AssertStatusAsync(run, HttpStatusCode.OK);

        var left = Assert.Single(await QuarantineAsync());
        Assert.Equal(newer, left.Body);
        Assert.Contains("1 quarantined webhook post(s) deleted", await run.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasure_DeletesQuarantinedPostsNamingThePerson_KeepsOthers()
    {
        await PostPoisonedAsync(Budi, Rina, "wamid.ERA-1"); // names Budi as a sender
        await PostPoisonedAsync(Rina, Budi, "wamid.ERA-2"); // names Budi only in the unreadable message
        var others = await PostPoisonedAsync(Rina, Siti, "wamid.ERA-3");
        var budi = await app.WithDbAsync(d => d.Contacts.Where(c => c.WaId == Budi).Select(c => c.Id).SingleAsync());

        using var api = app.Api();
        using var erase = await api.DeleteAsync($"/api/contacts/{budi}");
        await Http.AssertStatusAsync(erase, HttpStatusCode.OK);

        var left = Assert.Single(await QuarantineAsync());
        Assert.Equal(others, left.Body);
        Assert.Contains("2 quarantined webhook posts", await erase.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_PostNowReadWhole_IsStoredThroughTheIntake_AndRemoved_Exit0()
    {
        // As an earlier Kabar quarantined it: a body this one reads whole.
        var body = System.Text.Encoding.UTF8.GetBytes(Envelope(Messages(Text(Rina, "wamid.REPLAY-1", At, "STOP"))));
        var id = await app.WithDbAsync(async d =>
        {
            var row = new WebhookQuarantinePost
            {
                ReceivedAt = At.UtcDateTime,
                Body = body,
                Size = body.Length,
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)),
                Skipped = 1,
                Reasons = "entry[0].changes[0].value.messages[0].id: invalid UTF-8",
            };
            d.WebhookQuarantine.Add(row);
            await d.SaveChangesAsync();
            return row.Id;
        });

        var run = await KabarCliRunner.RunAsync(app, "webhooks", "replay", id.ToString(CultureInfo.InvariantCulture));
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("1 new message(s)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("removed from the quarantine", run.Stdout, StringComparison.Ordinal);

        var message = await app.WithDbAsync(d => d.InboundMessages.AsNoTracking().SingleAsync(m => m.Wamid == "wamid.REPLAY-1"));
        Assert.Equal("opt_out", message.Effect); // the normal intake: the keyword was applied
        Assert.Empty(await QuarantineAsync());
    }

    [Fact]
    public async Task Replay_PostStillUnreadable_StaysWithItsOutcome_StoresNothingTwice_Exit1()
    {
        await PostPoisonedAsync(Rina, Budi, "wamid.AGAIN-1");
        var id = Assert.Single(await QuarantineAsync()).Id;

        var run = await KabarCliRunner.RunAsync(app, "webhooks", "replay", id.ToString(CultureInfo.InvariantCulture));
        Assert.True(run.Code == 1, run.ToString());
        Assert.Contains("1 already stored", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("messages[1].id: invalid UTF-8", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("81277890002", run.Stderr, StringComparison.Ordinal);

        var post = Assert.Single(await QuarantineAsync());
        Assert.NotNull(post.ReplayedAt);
        Assert.Contains("still unreadable", post.ReplayOutcome, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(d => d.InboundMessages.CountAsync()));
    }

    [Fact]
    public async Task Replay_UnknownId_Exit1_NotANumber_Exit2()
    {
        var unknown = await KabarCliRunner.RunAsync(app, "webhooks", "replay", "987654");
        Assert.True(unknown.Code == 1, unknown.ToString());
        Assert.Contains("no quarantined webhook post has the id 987654", unknown.Stderr, StringComparison.Ordinal);

        var usage = await KabarCliRunner.RunAsync(app, "webhooks", "replay", "satu");
        Assert.True(usage.Code == 2, usage.ToString());
    }
}

/// <summary>The console's quarantine page in Chromium, in both languages, checked with axe.</summary>
public sealed class WebhookQuarantinePageTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task Admin_SeesQuarantinedPosts_WithReasonsSizeAndAMaskedExcerpt_AndThePageIsAccessible()
    {
        var at = App.Time.GetUtcNow().AddMinutes(-1);
        var json = Envelope(MessagesFrom([("6281277891001", "Rina", null), ("6281277891002", "Budi siti@example.id", null)],
            Text("6281277891001", "wamid.PAGE-1", at, "Halo"), Text("6281277891002", $"wamid.{SignedBytes.Marker}", at, "Halo")));
        var body = SignedBytes.Spoil(json, "surrogate");
        using (var response = await App.PostBytesAsync(body))
        {
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        }

        await AddOperatorAsync(App, "admin@karokab.go.id", OperatorRoles.Admin);
        await SignInAsync(Page, "admin@karokab.go.id");
        await Page.GotoAsync("/admin");
        await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Karantina webhook" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Karantina webhook");

        var rows = Page.GetByTestId("quarantine").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        var text = await rows.First.InnerTextAsync();
        Assert.Contains("entry[0].changes[0].value.messages[1].id: unpaired surrogate escape", text, StringComparison.Ordinal);
        Assert.Contains(body.Length.ToString("N0", CultureInfo.GetCultureInfo("id-ID")) + " bita", text, StringComparison.Ordinal);
        Assert.Contains("62812****1001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("6281277891001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("siti@example.id", text, StringComparison.Ordinal);
        await Axe.AssertAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-webhook-quarantine");

        await Page.GotoAsync("/admin/webhooks?lang=en");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Webhook quarantine");
        Assert.Contains("bytes", await rows.First.InnerTextAsync(), StringComparison.Ordinal);
        await Axe.AssertAsync(Page);
    }

    [Fact]
    public async Task Viewer_IsRefused_TheBodiesAreWhatPeopleWrote()
    {
        await AddOperatorAsync(App, "viewer@karokab.go.id", OperatorRoles.Viewer);
        await SignInAsync(Page, "viewer@karokab.go.id");
        var response = await Page.APIRequest.GetAsync("/admin/webhooks", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, response.Status);
        await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
        Assert.Equal(0, await Page.GetByRole(AriaRole.Link, new() { Name = "Karantina webhook" }).CountAsync());
    }
}
