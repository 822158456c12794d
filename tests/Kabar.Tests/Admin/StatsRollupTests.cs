using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Admin;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Admin;

/// <summary>
/// The daily rollup behind the dashboard: once the job has counted the past days, the figures are
/// the same as counting every row, past days are read from the rollup, today is still counted live,
/// and a receipt that arrives late reaches a rolled-up day at the next run.
/// </summary>
public sealed class StatsRollupTests(PostgresServer postgres)
{
    // 25 November 2026 00:00 WIB (UTC+7) to 28 November 00:00 WIB: three whole office days.
    private const string Period = "/api/stats?from=2026-11-24T17:00:00Z&to=2026-11-27T17:00:00Z";

    private static async Task<string> StatsAsync(KabarApp app, string path = Period)
    {
        using var api = app.Api();
        var stats = await api.GetFromJsonAsync<JsonElement>(path);
        return stats.GetRawText();
    }

    private static async Task SeedTwoDaysAsync(KabarApp app)
    {
        // Day one (25th): two people opted in, one not; a permit is ready for each.
        await app.CreateContactAsync("+6281270000001", optedIn: true);
        await app.CreateContactAsync("+6281270000002", optedIn: true);
        await app.CreateContactAsync("+6281270000003", optedIn: false, email: "warga3@example.id");
        foreach (var phone in new[] { "+6281270000001", "+6281270000002", "+6281270000003" })
        {
            await app.PermitReadyAsync(phone);
        }

        await app.SendAndSettleAsync();

        // Day two (26th): one more opt-in and a notice that WhatsApp refuses (not on WhatsApp).
        await app.AdvanceAsync(TimeSpan.FromDays(1));
        await app.CreateContactAsync("+6281270000004", optedIn: true);
        await app.FaultAsync("+6281270000004", 131026);
        await app.PermitReadyAsync("+6281270000004");
        await app.PermitReadyAsync("+6281270000001");
        await app.SendAndSettleAsync();

        // Day three (27th, today): one more send, counted live.
        await app.AdvanceAsync(TimeSpan.FromDays(1));
        await app.PermitReadyAsync("+6281270000002");
        await app.SendAndSettleAsync();
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Rollup_GivesTheSameFiguresAsCountingEveryRow_AndPastDaysAreReadFromIt(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        await SeedTwoDaysAsync(app);
        var counted = await StatsAsync(app);
        var byDefault = await StatsAsync(app, "/api/stats");

        var run = await app.RunJobAsync(StatsRollup.Name);
        Assert.Equal("succeeded", run.GetProperty("outcome").GetString());
        var days = await app.WithDbAsync(d => d.StatsDays.AsNoTracking().OrderBy(x => x.Day).Select(x => x.Day).ToListAsync());
        Assert.Equal([new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 26)], days);

        Assert.Equal(counted, await StatsAsync(app));
        Assert.Equal(byDefault, await StatsAsync(app, "/api/stats"));

        // The rolled-up days really come from the rollup: a count changed there shows on the dashboard.
        var before = JsonDocument.Parse(counted).RootElement.GetProperty("windowUsage").GetProperty("denominator").GetInt64();
        await app.WithDbAsync(d => d.StatsAttemptDays
            .Where(x => x.Day == new DateOnly(2026, 11, 25) && x.Taken).Take(1)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Count, x => x.Count + 1000)));
        var changed = JsonDocument.Parse(await StatsAsync(app)).RootElement;
        Assert.Equal(before + 1000, changed.GetProperty("windowUsage").GetProperty("denominator").GetInt64());

        // ... and today is not: a send made now counts at once.
        await app.RunJobAsync(StatsRollup.Name);
        Assert.Equal(counted, await StatsAsync(app));
        await app.PermitReadyAsync("+6281270000001");
        await app.SendAndSettleAsync();
        var later = JsonDocument.Parse(await StatsAsync(app)).RootElement;
        Assert.Equal(before + 1, later.GetProperty("windowUsage").GetProperty("denominator").GetInt64());
        var today = later.GetProperty("days").EnumerateArray().Last();
        Assert.Equal("2026-11-27", today.GetProperty("day").GetString());
    }

    [Fact]
    public async Task LateReceipt_ReachesARolledUpDay_AtTheNextRun_UntilTheDayIsFinal()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await SeedTwoDaysAsync(app);

        // One send of the 25th whose delivery receipt has not come yet (the simulator's came at once).
        var attempt = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking()
            .Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null && a.Status == AttemptStatus.Delivered)
            .OrderBy(a => a.CreatedAt).FirstAsync());
        await app.WithDbAsync(d => d.DeliveryAttempts.Where(a => a.Id == attempt.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AttemptStatus.Sent)));
        await app.RunJobAsync(StatsRollup.Name);
        static long Read(string json) => JsonDocument.Parse(json).RootElement.GetProperty("whatsAppDelivery").GetProperty("numerator").GetInt64();
        var delivered = Read(await StatsAsync(app));

        // It is read two days later.
        Assert.Equal(new DateOnly(2026, 11, 25), DateOnly.FromDateTime(attempt.CreatedAt.AddHours(7)));
        await DeliverAsync(app, attempt, "read");

        Assert.Equal(delivered, Read(await StatsAsync(app)));
        await app.RunJobAsync(StatsRollup.Name);
        Assert.Equal(delivered + 1, Read(await StatsAsync(app)));

        // Past the recompute window a day is counted one last time, then kept as it is; younger days go on being counted.
        await app.AdvanceAsync(TimeSpan.FromDays(8));
        await app.RunJobAsync(StatsRollup.Name);
        Task<DateTime> ComputedAt(DateOnly day) => app.WithDbAsync(d => d.StatsDays.Where(x => x.Day == day).Select(x => x.ComputedAt).FirstAsync());
        var (finalAt, recentAt) = (await ComputedAt(new DateOnly(2026, 11, 25)), await ComputedAt(new DateOnly(2026, 12, 4)));
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime, finalAt);
        await app.AdvanceAsync(TimeSpan.FromHours(1));
        await app.RunJobAsync(StatsRollup.Name);
        Assert.Equal(finalAt, await ComputedAt(new DateOnly(2026, 11, 25)));
        Assert.True(await ComputedAt(new DateOnly(2026, 12, 4)) > recentAt);
    }

    private static async Task DeliverAsync(KabarApp app, DeliveryAttempt attempt, string status)
    {
        var at = app.Time.GetUtcNow();
        var phone = await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == attempt.ContactId).Select(c => c.Phone).FirstAsync());
        var recipient = phone!.TrimStart('+');
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Statuses(Meta.Status(attempt.ProviderMessageId!, status, at, recipient, attempt.Id.ToString()))));
        await app.ApplyStatusesAsync();
        var now = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().FirstAsync(a => a.Id == attempt.Id));
        Assert.Equal(status, Kabar.Common.EnumText<AttemptStatus>.Name(now.Status));
    }
}
