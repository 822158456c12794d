using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>
/// Walks permits through a year on the fake clock, with the scheduler run twice a day (10:00
/// and 22:00 WIB) and the dispatcher after it: each expiry reminder goes out once, on a working
/// day in office hours, never on a listed holiday, and none after a renewal (SPEC §9).
/// </summary>
public sealed class ExpiryReminderYearTests(PostgresServer postgres)
{
    [Fact]
    public async Task AYearOfReminders_EachOnceOnAWorkingDayInOfficeHours_NoneAfterRenewal()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            // Template statuses need no refresh in this walk, nor the sandbox's SiCantik a read (its
            // requests are paced on the wall clock, which would make each half-day step take seconds).
            ["Kabar:Jobs:template-sync:Cron"] = "0 0 1 1 *",
            ["Kabar:Jobs:sicantik-sync:Cron"] = "0 0 1 1 *",
            // The walk reads every reminder's parameters at the end; retention would have cleared a year's.
            ["Kabar:Privacy:MessageBodyRetention"] = "00:00:00",
        });
        const string phoneA = "+6281277776001", phoneB = "+6281277776002";
        await app.CreateContactAsync(phoneA, optedIn: true);
        await app.CreateContactAsync(phoneB, optedIn: true);

        // A expires Wednesday 18 August 2027: its 60-day day is a Saturday and its 1-day day is
        // Independence Day (17 August), so those two move to the working day before.
        var a = (await app.PostPermitAsync(PermitSupport.Permit("YEAR-A", "issued", phoneA, expiresOn: "2027-08-18"))).GetProperty("id").GetGuid();

        // B expires Friday 1 October 2027 and is renewed on Saturday 31 July, after its 60-day
        // reminder for Monday 2 August was planned but before it went out.
        var b = (await app.PostPermitAsync(PermitSupport.Permit("YEAR-B", "issued", phoneB, expiresOn: "2027-10-01"))).GetProperty("id").GetGuid();
        var renewed = false;
        var calendar = app.Calendar();
        var end = PermitSupport.Wib(2027, 11, 26, 10);
        while (app.Time.GetUtcNow() < end)
        {
            await app.RunDueJobsAsync();
            var local = app.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(7));
            if (!renewed && local.Date == new DateTime(2027, 7, 31) && local.Hour == 10)
            {
                await app.PostPermitAsync(PermitSupport.Permit("YEAR-B2", "issued", phoneB, issuedOn: "2027-07-31", expiresOn: "2030-10-01", renewalOf: "YEAR-B"));
                renewed = true;
            }

            await app.DispatchAsync();
            await app.AdvanceAsync(TimeSpan.FromHours(12));
        }

        Assert.True(renewed);
        var aReminders = await app.PermitNotificationsAsync(a, "permit_expiry_warning");
        Assert.Equal(5, aReminders.Count);
        Assert.Equal(aReminders.Count, aReminders.Select(n => n.IdempotencyKey).Distinct().Count());

        var sentOn = new List<DateOnly>();
        foreach (var n in aReminders)
        {
            var attempt = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().SingleAsync(x => x.NotificationId == n.Id));
            Assert.Equal(Channel.WhatsApp, attempt.Channel);
            Assert.True(calendar.IsOfficeTime(attempt.CreatedAt), $"{n.IdempotencyKey} went out at {attempt.CreatedAt:u}");
            Assert.True(calendar.IsOfficeTime(n.DueAt), $"{n.IdempotencyKey} was due at {n.DueAt:u}");
            var day = calendar.LocalDate(attempt.CreatedAt);
            Assert.False(calendar.Holidays.ContainsKey(day), $"{n.IdempotencyKey} went out on the holiday {day}");
            sentOn.Add(day);
        }

        Assert.Equal(
            [new(2027, 5, 20), new(2027, 6, 18), new(2027, 7, 19), new(2027, 8, 11), new(2027, 8, 16)],
            sentOn);
        Assert.Equal(["90", "61", "30", "7", "2"], aReminders.Select(n => n.Params()["remaining_days"]).ToArray());
        Assert.Equal(6, app.WhatsAppTo(phoneA).Count); // permit_ready and five reminders

        // B: the 90-day reminder went out (Friday 2 July, its day being a Saturday); the 60-day
        // one was cancelled by the renewal; nothing came after.
        var bReminders = await app.PermitNotificationsAsync(b, "permit_expiry_warning");
        Assert.Equal(2, bReminders.Count);
        Assert.Equal(NotificationState.Cancelled, bReminders[1].State);
        Assert.EndsWith(":60", bReminders[1].IdempotencyKey);
        Assert.Equal(new DateOnly(2027, 7, 2), calendar.LocalDate(bReminders[0].DueAt));
        var toB = app.WhatsAppTo(phoneB).Select(m => m.TemplateName).ToList();
        Assert.Equal(["permit_ready", "permit_expiry_warning", "permit_renewal_approved"], toB);
    }

    [Fact]
    public async Task DowntimeOverTheReminderDay_IsCaughtUpAtStart_Once()
    {
        var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        const string phone = "+6281277776003";
        await app.CreateContactAsync(phone, optedIn: true);

        // Expires Wednesday 30 December, 35 days from now: the 60-day reminder goes now, the
        // 30-day one is for Monday 30 November.
        var id = (await app.PostPermitAsync(PermitSupport.Permit("DOWN-1", "issued", phone, expiresOn: "2026-12-30"))).GetProperty("id").GetGuid();
        await app.RunDueJobsAsync();
        Assert.EndsWith(":60", Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning")).IdempotencyKey);

        // Kabar is down from Wednesday 25 November until Wednesday 2 December, 09:00 WIB.
        app.KeepDatabase = true;
        await app.DisposeAsync();
        await using var restarted = KabarApp.Restart(app, PermitSupport.Wib(2026, 12, 2, 9), new()
        {
            ["Kabar:Jobs:SchedulerEnabled"] = "true",
        });
        restarted.KeepDatabase = false;

        // The scheduler catches up at start, without the clock moving: each job runs once.
        var jobs = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Kabar.Jobs.JobRegistry>(restarted.Services).All.Count;
        var runs = await WaitForAsync(restarted, async () =>
        {
            var found = await restarted.WithDbAsync(d => d.JobRuns.AsNoTracking()
                .Where(r => r.StartedAt > new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)).ToListAsync());
            return found.Count == jobs ? found : null;
        });
        Assert.All(runs, r => Assert.Equal("catch-up", r.Trigger));
        var run = Assert.Single(runs, r => r.Job == "expiry-reminders");
        Assert.Equal(("catch-up", "succeeded", 1), (run.Trigger, run.Outcome, run.Created));

        var reminders = await restarted.PermitNotificationsAsync(id, "permit_expiry_warning");
        Assert.Equal(2, reminders.Count);
        Assert.EndsWith(":30", reminders[1].IdempotencyKey);
        Assert.Equal(("28", restarted.Time.GetUtcNow().UtcDateTime), (reminders[1].Params()["remaining_days"], reminders[1].DueAt));
        // Meta's pair rate spaces messages to one person by seconds.
        for (var i = 0; i < 3; i++)
        {
            await restarted.AdvanceAsync(TimeSpan.FromSeconds(7));
        }

        Assert.Equal(2, restarted.WhatsAppTo(phone).Count(m => m.TemplateName == "permit_expiry_warning"));

        // Running again the same day creates nothing more.
        await restarted.RunJobAsync("expiry-reminders");
        Assert.Equal(2, (await restarted.PermitNotificationsAsync(id, "permit_expiry_warning")).Count);
    }

    private static async Task<T> WaitForAsync<T>(KabarApp app, Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Nothing after 10 s; logs: {string.Join('\n', app.Logs.Lines.TakeLast(20))}");
        return null!;
    }

    /// <summary>
    /// Across a long holiday (a week of national holidays and collective leave), the reminders whose
    /// days fall inside it are not all sent the working day before: only the most urgent one is.
    /// </summary>
    [Fact]
    public async Task LongHoliday_OnlyTheMostUrgentReminderOfThoseInsideItGoesOut()
    {
        var calendarDir = Directory.CreateTempSubdirectory("kabar-calendar-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(calendarDir, "2027.csv"),
                "date,kind,name\n2027-03-08,libur_nasional,Libur A\n2027-03-09,libur_nasional,Libur B\n2027-03-10,libur_nasional,Libur C\n" +
                "2027-03-11,cuti_bersama,Cuti D\n2027-03-12,cuti_bersama,Cuti E\n");
            await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Calendar:Path"] = calendarDir });
            app.Time.SetUtcNow(PermitSupport.Wib(2027, 3, 5, 10));
            const string phone = "+6281277776009";
            await app.CreateContactAsync(phone, optedIn: true);
            var id = (await app.PostPermitAsync(PermitSupport.Permit("HOL-1", "issued", phone, expiresOn: "2027-03-15"))).GetProperty("id").GetGuid();

            // Friday 5 March is the last working day before 15 March: the 7-day (8 March) and the
            // 1-day (14 March) reminders both fall in the break; only the 1-day one goes, today.
            await app.RunJobAsync("expiry-reminders");
            var reminder = Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning"));
            Assert.EndsWith(":1", reminder.IdempotencyKey, StringComparison.Ordinal);
            Assert.Equal("10", reminder.Params()["remaining_days"]);

            // Monday 15 March: nothing more for this permit.
            app.Time.SetUtcNow(PermitSupport.Wib(2027, 3, 15, 10));
            await app.RunJobAsync("expiry-reminders");
            Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning"));
        }
        finally
        {
            Directory.Delete(calendarDir, recursive: true);
        }
    }
}
