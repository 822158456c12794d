using System.Net;
using System.Net.Http.Json;
using Kabar.Campaigns;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Campaigns;

/// <summary>
/// Opt-in campaigns on one database (SPEC §8): who is asked, how fast, and that nobody is asked
/// twice — across a restart, two processes at once, a pause, and the dispatcher's own requests.
/// </summary>
public abstract class OptInCampaignTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    protected virtual Dictionary<string, string?> Settings => new() { ["Kabar:Campaigns:BatchSize"] = "4" };

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(db, postgres, Settings);
        app.KeepDatabase = true;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Segment_AsksOnlyUnknownPeopleOfThePermitType_RegisteredBetweenTheDates_NotAskedInTheCooldown()
    {
        var october = new DateTime(2026, 10, 10, 3, 0, 0, DateTimeKind.Utc);
        var holder = await SeedAsync(app, "+6281260000001", october, "Izin Usaha");
        var applicant = await SeedAsync(app, "+6281260000002", october.AddDays(10), "Izin Usaha", registration: true);
        var askedLongAgo = await SeedAsync(app, "+6281260000003", october, "Izin Usaha", lastAsked: Now.AddDays(-10));
        var granted = await SeedAsync(app, "+6281260000004", october, "Izin Usaha", ConsentState.Granted);
        var withdrawn = await SeedAsync(app, "+6281260000005", october, "Izin Usaha", ConsentState.Withdrawn);
        var otherType = await SeedAsync(app, "+6281260000006", october, "Izin Reklame");
        var tooEarly = await SeedAsync(app, "+6281260000007", new DateTime(2026, 9, 30, 16, 0, 0, DateTimeKind.Utc), "Izin Usaha"); // 23:00 WIB 30 Sep
        var askedRecently = await SeedAsync(app, "+6281260000008", october, "Izin Usaha", lastAsked: Now.AddDays(-2));
        var lastDay = await SeedAsync(app, "+6281260000009", new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc), "Izin Usaha"); // 23:00 WIB 31 Oct

        var id = await CreateAsync(app, Body(permitType: "Izin Usaha", registeredFrom: "2026-10-01", registeredTo: "2026-10-31"));
        await app.RunCampaignsAsync();
        await app.RunCampaignsAsync();
        await app.DispatchAsync();

        var expected = new[] { holder, applicant, askedLongAgo, lastDay }.Select(c => c.Phone!).ToHashSet();
        var all = new[] { holder, applicant, askedLongAgo, granted, withdrawn, otherType, tooEarly, askedRecently, lastDay };
        var received = OptInSmsByPhone(app, all.Select(c => c.Phone!));
        foreach (var (phone, count) in received)
        {
            Assert.True(count == (expected.Contains(phone) ? 1 : 0), $"{phone} received {count} opt-in request(s)");
        }

        // The next run finds nobody left and completes the campaign.
        await app.RunCampaignsAsync();
        var progress = await ProgressAsync(app, id);
        Assert.Equal("completed", progress.GetProperty("state").GetString());
        Assert.Equal(4, progress.Figure("asked"));
        Assert.Equal(0, progress.Figure("waiting"));
        var contacts = await app.WithDbAsync(d => d.Contacts.AsNoTracking().ToDictionaryAsync(c => c.Phone!));
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime, contacts[holder.Phone!].LastOptInRequestAt);
        Assert.Equal(askedRecently.LastOptInRequestAt, contacts[askedRecently.Phone!].LastOptInRequestAt);
    }

    [Fact]
    public async Task DailyCap_AndSendingHours_PaceTheAsks()
    {
        var people = await SeedManyAsync(app, 25);
        var id = await CreateAsync(app, Body(dailyCap: 10, from: "09:00", until: "12:00"));

        for (var i = 0; i < 5; i++)
        {
            await app.RunCampaignsAsync();
        }

        Assert.Equal(10, (await ProgressAsync(app, id)).Figure("asked"));
        Assert.Equal(10, (await ProgressAsync(app, id)).Figure("askedToday"));

        // 12:30 WIB: after the sending hours, nothing more today.
        app.Time.Advance(TimeSpan.FromHours(2.5));
        await app.RunCampaignsAsync();
        Assert.Equal(10, (await AsksAsync(app)).Count);

        // Next day 08:30 WIB: before the sending hours.
        app.Time.Advance(TimeSpan.FromHours(20));
        await app.RunCampaignsAsync();
        Assert.Equal(10, (await AsksAsync(app)).Count);

        // 09:00 WIB: a new day's cap.
        app.Time.Advance(TimeSpan.FromMinutes(30));
        for (var i = 0; i < 5; i++)
        {
            await app.RunCampaignsAsync();
        }

        var progress = await ProgressAsync(app, id);
        Assert.Equal(20, progress.Figure("asked"));
        Assert.Equal(5, progress.Figure("waiting"));
        var days = progress.GetProperty("progress").GetProperty("days");
        Assert.Equal(2, days.GetArrayLength());
        Assert.All(days.EnumerateArray(), d => Assert.Equal(10, d.GetProperty("asked").GetInt64()));
        await app.DispatchAsync();
        Assert.Equal(20, OptInSmsByPhone(app, people.Select(p => p.Phone!)).Values.Sum());
    }

    [Fact]
    public async Task Interrupted_ThenResumedAfterARestart_AsksEveryoneExactlyOnce()
    {
        var people = await SeedManyAsync(app, 18);
        var id = await CreateAsync(app, Body());
        await app.RunCampaignsAsync();
        await app.RunCampaignsAsync();
        Assert.Equal(8, (await AsksAsync(app)).Count);

        // Kabar stops mid-campaign before the queued requests went out, and starts again later.
        await app.DisposeAsync();
        app = KabarApp.Restart(app, app.Time.GetUtcNow().AddMinutes(30));
        app.KeepDatabase = true;
        for (var i = 0; i < 6; i++)
        {
            await app.RunCampaignsAsync();
        }

        await app.DispatchAsync();
        var asks = await AsksAsync(app);
        Assert.Equal(18, asks.Count);
        Assert.Equal(18, asks.Select(a => a.ContactId).Distinct().Count());
        Assert.All(OptInSmsByPhone(app, people.Select(p => p.Phone!)), p => Assert.True(p.Value == 1, $"{p.Key} got {p.Value}"));
        Assert.Equal("completed", (await ProgressAsync(app, id)).GetProperty("state").GetString());
        Assert.Equal(18, await app.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task TwoProcessesRunningTheJobAtOnce_AskEachPersonOnce()
    {
        var people = await SeedManyAsync(app, 30);
        await CreateAsync(app, Body());
        await CreateAsync(app, Body()); // a second campaign over the same people: the cooldown keeps them to one request

        // As if the job lease had been lost: two runners, not coordinated by it, at the same instant.
        var runners = Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<CampaignRunner>(app.Services)).ToList();
        for (var round = 0; round < 12; round++)
        {
            var now = app.Time.GetUtcNow().UtcDateTime;
            await Task.WhenAll(runners.Select(r => Task.Run(() => r.RunAsync(now, CancellationToken.None))));
        }

        await app.DispatchAsync();
        var asks = await AsksAsync(app);
        var asked = asks.Where(a => a.Outcome == AskOutcome.Asked).ToList();
        Assert.Equal(30, asked.Count);
        Assert.Equal(30, asked.Select(a => a.ContactId).Distinct().Count());
        Assert.All(OptInSmsByPhone(app, people.Select(p => p.Phone!)), p => Assert.True(p.Value == 1, $"{p.Key} got {p.Value}"));
    }

    [Fact]
    public async Task Pause_StopsTheAsks_AndResume_CarriesOn()
    {
        await SeedManyAsync(app, 10);
        var id = await CreateAsync(app, Body());
        await app.RunCampaignsAsync();
        Assert.Equal("paused", (await MoveAsync(app, id, "pause")).GetProperty("state").GetString());
        for (var i = 0; i < 3; i++)
        {
            await app.RunCampaignsAsync();
        }

        Assert.Equal(4, (await AsksAsync(app)).Count);
        await MoveAsync(app, id, "pause", HttpStatusCode.Conflict);
        await MoveAsync(app, id, "resume");
        for (var i = 0; i < 3; i++)
        {
            await app.RunCampaignsAsync();
        }

        Assert.Equal(10, (await AsksAsync(app)).Count);
    }

    [Fact]
    public async Task AskedByACampaign_ThenAPermitNotice_ComesWithoutASecondOptInLink()
    {
        var person = await SeedAsync(app, "+6281260000100");
        await CreateAsync(app, Body());
        await app.RunCampaignsAsync();
        await app.DispatchAsync();
        Assert.Equal(1, OptInSmsByPhone(app, [person.Phone!])[person.Phone!]);

        await app.PermitReadyAsync(person.Phone!);
        await app.DispatchAsync();
        var sms = app.Sms().Received(person.Phone!);
        Assert.Equal(2, sms.Count);
        Assert.DoesNotContain("/opt-in/", sms[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALandline_IsNoAddressForAnSmsRequest_TheMobileIsAsked()
    {
        // (0628) 20123: a fixed line in Kabanjahe, which no SMS reaches.
        var landline = await SeedAsync(app, "+6262820123");
        var mobile = await SeedAsync(app, "+6281260000210");
        var id = await CreateAsync(app, Body(channel: "sms"));
        await app.RunCampaignsAsync();
        await app.DispatchAsync();

        Assert.Empty(app.Sms().Received(landline.Phone!));
        Assert.Single(app.Sms().Received(mobile.Phone!));
        var ask = await app.WithDbAsync(d => d.CampaignAsks.AsNoTracking().SingleAsync(a => a.ContactId == landline.Id));
        Assert.Equal((AskOutcome.Skipped, "no_address"), (ask.Outcome, ask.SkipReason));
        Assert.Null((await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Id == landline.Id))).LastOptInRequestAt);
        var progress = await ProgressAsync(app, id);
        Assert.Equal((1, 1), (progress.Figure("asked"), progress.Figure("skipped")));
    }

    [Fact]
    public async Task SomeoneWhoChoseBeforeTheRequestWentOut_IsSkipped()
    {
        var person = await SeedAsync(app, "+6281260000200");
        var id = await CreateAsync(app, Body());
        await app.RunCampaignsAsync();
        await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == person.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.WhatsAppConsent, ConsentState.Withdrawn)));
        await app.DispatchAsync();
        Assert.Empty(app.Sms().Received(person.Phone!));
        var progress = await ProgressAsync(app, id);
        Assert.Equal(0, progress.Figure("asked"));
        Assert.Equal(1, progress.Figure("skipped"));
    }

    [Fact]
    public async Task EmailCampaign_AsksByEmail_EvenWhenThePersonHasAPhone()
    {
        var person = await SeedAsync(app, "+6281260000300", email: "warga300@example.id");
        var phoneOnly = await SeedAsync(app, "+6281260000301");
        var id = await CreateAsync(app, Body(channel: "email"));
        await app.RunCampaignsAsync();
        await app.DispatchAsync();
        Assert.Empty(app.Sms().Received(person.Phone!));
        Assert.Empty(app.Sms().Received(phoneOnly.Phone!));
        var mails = Directory.Exists(app.Outbox) ? Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories) : [];
        var mail = Assert.Single(mails);
        Assert.Contains("/opt-in/", await File.ReadAllTextAsync(mail, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(1, (await ProgressAsync(app, id)).Figure("asked"));
    }

    [Theory]
    [InlineData("06:00", "10:00", "sendingHours")]
    [InlineData("18:00", "22:00", "sendingHours")]
    [InlineData("12:00", "11:00", "sendingHours.until")]
    [InlineData("9 pagi", "17:00", "sendingHours.from")]
    public async Task SendingHoursInTheQuietHours_AreRefused_NamingTheField(string from, string until, string field)
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/campaigns", Body(from: from, until: until), TestContext.Current.CancellationToken);
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var problem = await KabarApp.ReadAsync<System.Text.Json.JsonElement>(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

public sealed class OptInCampaignTests_Sqlite(PostgresServer postgres) : OptInCampaignTests(Db.Sqlite, postgres);

public sealed class OptInCampaignTests_Postgres(PostgresServer postgres) : OptInCampaignTests(Db.Postgres, postgres);
