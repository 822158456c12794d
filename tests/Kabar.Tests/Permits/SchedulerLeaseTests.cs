using System.Net;
using System.Text.Json;
using Kabar.Contacts;
using Kabar.Jobs;
using Kabar.Permits;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>
/// Several schedulers on one database (SPEC §9): each job runs in one process at a time, each
/// occurrence once, each reminder once; runs are recorded; a run can be asked for by API.
/// </summary>
public abstract class SchedulerLeaseTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task SeedDuePermitsAsync(int count)
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(d =>
        {
            for (var i = 0; i < count; i++)
            {
                var contact = new Contact { Id = Guid.CreateVersion7(), Phone = $"+62812{7777000 + i}", Name = $"Warga {i}", CreatedAt = now, UpdatedAt = now };
                d.Contacts.Add(contact);
                d.Permits.Add(new Permit
                {
                    Id = Guid.CreateVersion7(),
                    ExternalRef = $"LEASE-{i}",
                    PermitType = "Izin Usaha",
                    Status = PermitStatus.Issued,
                    HolderContactId = contact.Id,
                    ExpiresOn = new DateOnly(2026, 12, 2),
                    StatusChangedAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }

            return d.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task TwoSchedulers_RunEachOccurrenceOnce_AndCreateEachReminderOnce()
    {
        await SeedDuePermitsAsync(300);
        var first = app.Jobs();
        var second = ActivatorUtilities.CreateInstance<JobRunner>(app.Services);
        Assert.NotEqual(first.Holder, second.Holder);

        // Several rounds at the same instant and after the next 06:00 WIB occurrence.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).RunDueAsync(CancellationToken.None))));
        }

        app.Time.SetUtcNow(PermitSupport.Wib(2026, 11, 26, 6, 1));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).RunDueAsync(CancellationToken.None))));

        var reminders = await app.WithDbAsync(d => d.Notifications.Where(n => n.Type == "permit_expiry_warning").Select(n => n.IdempotencyKey).ToListAsync());
        Assert.Equal(300, reminders.Count);
        Assert.Equal(300, reminders.Distinct().Count());

        var runs = await app.WithDbAsync(d => d.JobRuns.Where(r => r.Job == "expiry-reminders").OrderBy(r => r.StartedAt).ToListAsync());
        Assert.Equal(2, runs.Count);
        Assert.Equal([300, 0], runs.Select(r => r.Created).ToArray());
        Assert.All(runs, r => Assert.Equal("succeeded", r.Outcome));
        Assert.Equal(PermitSupport.Wib(2026, 11, 26, 6).UtcDateTime, runs[1].ScheduledFor);
        Assert.Equal("schedule", runs[1].Trigger);
    }

    [Fact]
    public async Task JobHeldByAnotherProcess_Is409_UnknownJobIs404NamingTheJobs_AndRunsAreListed()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(d =>
        {
            d.JobStates.Add(new JobState { Name = "document-reminders", LeaseHolder = "other-host/1", LeaseUntil = now.AddMinutes(5) });
            return d.SaveChangesAsync();
        });
        using var api = app.Api();
        using (var held = await api.PostAsync("/api/jobs/document-reminders/run", null))
        {
            await Http.AssertStatusAsync(held, HttpStatusCode.Conflict);
        }

        using (var unknown = await api.PostAsync("/api/jobs/nope/run", null))
        {
            await Http.AssertStatusAsync(unknown, HttpStatusCode.NotFound);
            var text = await unknown.Content.ReadAsStringAsync();
            Assert.Contains("expiry-reminders", text);
            Assert.Contains("document-reminders", text);
        }

        await SeedDuePermitsAsync(3);
        var run = await app.RunJobAsync("expiry-reminders");
        Assert.Equal(("manual", 3, "succeeded"), (run.GetProperty("trigger").GetString(), run.GetProperty("created").GetInt32(), run.GetProperty("outcome").GetString()));

        var jobs = await KabarApp.ReadAsync<JsonElement>(await api.GetAsync("/api/jobs"));
        var expiry = jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == "expiry-reminders");
        Assert.Equal("0 6 * * *", expiry.GetProperty("cron").GetString());
        Assert.Equal(3, expiry.GetProperty("recentRuns")[0].GetProperty("created").GetInt32());
    }
}

public sealed class SchedulerLeaseTests_Sqlite(PostgresServer postgres) : SchedulerLeaseTests(Db.Sqlite, postgres);

public sealed class SchedulerLeaseTests_Postgres(PostgresServer postgres) : SchedulerLeaseTests(Db.Postgres, postgres);
