using Kabar.Jobs;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>Job schedules come from configuration and are checked at start (SPEC §12).</summary>
public sealed class JobScheduleSettingsTests(PostgresServer postgres)
{
    [Fact]
    public async Task ABadCronExpression_StopsStartUp_NamingTheKey()
    {
        var error = await Record.ExceptionAsync(async () => await (await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Jobs:expiry-reminders:Cron"] = "every morning",
        })).DisposeAsync());
        Assert.NotNull(error);
        Assert.Contains("Kabar:Jobs:expiry-reminders:Cron", error.ToString());
    }

    [Fact]
    public async Task AConfiguredCron_MovesTheJobsNextRun()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Jobs:document-reminders:Cron"] = "30 13 * * 1-5",
        });
        await app.RunDueJobsAsync();
        var registry = app.Services.GetRequiredService<JobRegistry>();
        var job = registry.Find("document-reminders")!;
        Assert.Equal("30 13 * * 1-5", registry.CronText(job));

        // Wednesday 25 November 10:00 WIB: next at 13:30 WIB the same day.
        Assert.Equal(PermitSupport.Wib(2026, 11, 25, 13, 30).UtcDateTime,
            app.Jobs().NextOccurrence(job, app.Time.GetUtcNow().UtcDateTime));
        app.Time.SetUtcNow(PermitSupport.Wib(2026, 11, 25, 13, 31));
        var runs = await app.RunDueJobsAsync();
        Assert.Equal("schedule", Assert.Single(runs, r => r.Job == "document-reminders").Trigger);

        // template-sync's 12:30 came too (and the quarter-hourly stats-rollup, the five-minute opt-in-campaigns); expiry-reminders' next is 06:00 tomorrow.
        var ran = runs.Select(r => r.Job).ToList();
        Assert.Contains("template-sync", ran);
        Assert.Contains("stats-rollup", ran);
        Assert.Contains("opt-in-campaigns", ran);
        Assert.DoesNotContain("expiry-reminders", ran);
    }
}
