using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Notifications;

/// <summary>Per-number pacing, the pair rate, the messaging limit and quiet hours (SPEC §5, §6), on a fake clock.</summary>
public sealed class LimitTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
    {
        ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = "900000000000001",
        ["Kabar:WhatsApp:Numbers:0:MessagesPerSecond"] = "3",
    });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static string PhoneOf(int i) => $"+62812777720{i:00}";

    [Fact]
    public async Task Pacing_NoSecondCarriesMoreThanTheNumbersRate_AndMetaNeverThrottles()
    {
        for (var i = 0; i < 7; i++)
        {
            await app.CreateContactAsync(PhoneOf(i), optedIn: true);
            await app.PermitReadyAsync(PhoneOf(i));
        }

        Assert.Equal(3, await app.DispatchAsync());
        Assert.Equal(0, await app.DispatchAsync());
        Assert.Equal(0, await app.AdvanceAsync(TimeSpan.FromMilliseconds(600))); // 900 ms after the first sends
        Assert.Equal(3, await app.AdvanceAsync(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(1, await app.AdvanceAsync(TimeSpan.FromSeconds(1)));

        var stats = app.Simulator().Stats();
        Assert.Equal(7, stats.Accepted);
        Assert.DoesNotContain("130429", stats.RefusedByCode.Keys);
        Assert.Equal(3, stats.MaxAcceptedPerSecond["900000000000001"]);
    }

    [Fact]
    public async Task PairRate_ASecondMessageToTheSamePersonWaitsSixSeconds()
    {
        await app.CreateContactAsync(PhoneOf(0), optedIn: true);
        var first = await app.PermitReadyAsync(PhoneOf(0));
        var second = await app.PermitReadyAsync(PhoneOf(0));

        Assert.Equal(1, await app.DispatchAsync());
        Assert.Equal(0, await app.AdvanceAsync(TimeSpan.FromSeconds(5.5)));
        Assert.Equal(1, await app.AdvanceAsync(TimeSpan.FromSeconds(0.5)));
        Assert.Equal(2, app.WhatsAppTo(PhoneOf(0)).Count);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task MessagingLimit_Reached_EssentialFallsBack_RoutineWaits_AlreadyReachedStillGetsWhatsApp()
    {
        await SeedReachAsync(250);
        var reachedContact = await app.WithDbAsync(d => d.DeliveryAttempts.Select(a => a.ContactId!.Value).FirstAsync());
        await app.CreateContactAsync(PhoneOf(0), optedIn: true);

        var essential = await app.PermitReadyAsync(PhoneOf(0));
        await app.DispatchAsync();
        var e = await app.NotificationAsync(essential);
        Assert.Equal((Channel.Sms, "messaging_limit"), (e.Channel, e.FallbackReason));

        await app.AdvanceAsync(TimeSpan.FromSeconds(7));
        var routine = await app.EnqueueAsync(new { type = "status_update", phone = PhoneOf(0), @params = new { registration_id = "R-1", old_status = "a", new_status = "b", changed_at = "c", detail_link = "d" } });
        var toReached = await app.EnqueueAsync(new { type = "permit_ready", contactId = reachedContact, @params = Pipeline.PermitReadyParams });
        await app.DispatchAsync();
        var r = await app.NotificationAsync(routine);
        Assert.Equal(NotificationState.Queued, r.State);
        Assert.Empty(r.Attempts);
        Assert.Equal(Channel.WhatsApp, (await app.NotificationAsync(toReached)).Channel);

        // The seeded reach leaves the moving 24 hours: the routine notice goes on WhatsApp.
        await app.AdvanceAsync(TimeSpan.FromHours(24));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal((NotificationState.Delivered, Channel.WhatsApp), ((await app.NotificationAsync(routine)).State, (await app.NotificationAsync(routine)).Channel));
    }

    [Fact]
    public async Task QuietHours_DeferRoutineToSevenWib_EssentialGoesAtOnce()
    {
        // 22:00 WIB = 15:00 UTC.
        app.Time.Advance(TimeSpan.FromHours(12));
        await app.CreateContactAsync(PhoneOf(0), optedIn: true);
        await app.CreateContactAsync(PhoneOf(1), optedIn: true);
        var routine = await app.EnqueueAsync(new { type = "status_update", phone = PhoneOf(0), @params = new { registration_id = "R-1", old_status = "a", new_status = "b", changed_at = "c", detail_link = "d" } });
        var essential = await app.PermitReadyAsync(PhoneOf(1));

        await app.DispatchAsync();

        var r = await app.NotificationAsync(routine);
        Assert.Equal(NotificationState.Scheduled, r.State);
        Assert.Equal(new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc), r.DueAt);
        Assert.Equal(NotificationState.Sent, (await app.NotificationAsync(essential)).State);
    }

    /// <summary>People reached outside the window in the last hours, as earlier sends left them.</summary>
    private Task<int> SeedReachAsync(int people) => app.WithDbAsync(async d =>
    {
        var at = app.Time.GetUtcNow().UtcDateTime.AddHours(-1);
        for (var i = 0; i < people; i++)
        {
            var contact = new Kabar.Contacts.Contact { Id = Guid.CreateVersion7(), Phone = $"+628133{i:000000}", CreatedAt = at, UpdatedAt = at, WhatsAppConsent = Kabar.Consent.ConsentState.Granted };
            var n = new Notification { Id = Guid.CreateVersion7(), Type = "permit_ready", ContactId = contact.Id, State = NotificationState.Delivered, Channel = Channel.WhatsApp, PhoneNumberId = "900000000000001", DueAt = at, CreatedAt = at, UpdatedAt = at };
            d.Contacts.Add(contact);
            d.Notifications.Add(n);
            d.DeliveryAttempts.Add(new DeliveryAttempt { Id = Guid.CreateVersion7(), NotificationId = n.Id, ContactId = contact.Id, Channel = Channel.WhatsApp, Status = AttemptStatus.Delivered, ProviderMessageId = $"wamid.seed-{i}", CountsAgainstLimit = true, CreatedAt = at, UpdatedAt = at });
        }

        return await d.SaveChangesAsync();
    });
}
