using Kabar.Campaigns;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Campaigns;

/// <summary>
/// The campaign job in its own process, killed (SIGKILL) after writing a batch and before
/// committing it: nothing of the batch remains, and the next run asks everyone exactly once.
/// </summary>
public abstract class CampaignCrashTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    // The job process runs on the real clock: no quiet hours, sending all day.
    private static readonly Dictionary<string, string?> AllDay = new()
    {
        ["Kabar:Policy:QuietHoursStart"] = "00:00",
        ["Kabar:Policy:QuietHoursEnd"] = "00:00",
    };

    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres, new(AllDay));

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task KilledBeforeCommit_LeavesNoAsk_ThenTheNextRunAsksEveryoneOnce()
    {
        var people = await SeedManyAsync(app, 12, "+62812900");
        await CreateAsync(app, Body(from: "00:00", until: "23:59"));

        var crashed = await RunJobProcessAsync(CampaignRunner.BeforeCommit);
        Assert.True(crashed.Code != 0, crashed.ToString());
        Assert.Contains("crash point campaign_before_commit", crashed.Stderr, StringComparison.Ordinal);
        Assert.Empty(await AsksAsync(app));
        Assert.Equal(0, await app.WithDbAsync(d => d.Notifications.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync(c => c.LastOptInRequestAt != null)));

        // Started again (its job lease, held by the killed process, is taken over here directly),
        // on the real clock the killed process used.
        if (DateTimeOffset.UtcNow > app.Time.GetUtcNow())
        {
            app.Time.SetUtcNow(DateTimeOffset.UtcNow);
        }

        var runner = app.Services.GetRequiredService<CampaignRunner>();
        await runner.RunAsync(app.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
        await runner.RunAsync(app.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
        await app.DispatchAsync();
        var asks = await AsksAsync(app);
        Assert.Equal(12, asks.Count(a => a.Outcome == AskOutcome.Asked));
        Assert.All(OptInSmsByPhone(app, people.Select(p => p.Phone!)), p => Assert.True(p.Value == 1, $"{p.Key} got {p.Value}"));
    }

    private Task<CliRun> RunJobProcessAsync(string crashAt) =>
        KabarCliRunner.RunAsync(app.Db, app.ConnectionString, new Dictionary<string, string>
        {
            ["Kabar__Testing__CrashAt"] = crashAt,
            ["Kabar__Policy__QuietHoursStart"] = "00:00",
            ["Kabar__Policy__QuietHoursEnd"] = "00:00",
        }, "job", "run", CampaignRunner.JobName);
}

public sealed class CampaignCrashTests_Sqlite(PostgresServer postgres) : CampaignCrashTests(Db.Sqlite, postgres);

public sealed class CampaignCrashTests_Postgres(PostgresServer postgres) : CampaignCrashTests(Db.Postgres, postgres);
