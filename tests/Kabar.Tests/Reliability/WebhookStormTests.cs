using System.Net;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Reliability;

/// <summary>
/// A status storm: every message's sent, delivered and read, each delivered three times, all
/// shuffled and posted in Meta's batches of up to 100 by eight senders at once, while some of the
/// people send STOP. Afterwards every attempt is at its highest status, each (message, status) made
/// one transition, and nobody who stopped gets a WhatsApp notice again.
/// CI: 500 messages (1,500 status events, 4,500 deliveries); <c>KABAR_RELIABILITY=full</c>:
/// 33,334 messages (100,002 events, 300,006 deliveries).
/// </summary>
public abstract class WebhookStormTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres, new()
    {
        ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = Meta.PhoneNumberId,
        ["Kabar:WhatsApp:Numbers:0:MessagesPerSecond"] = "100000",
        ["Kabar:WhatsApp:MessagingLimit"] = "unlimited",
    });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static string PhoneOf(int i) => $"+628127{i:D7}";

    [Fact]
    public async Task ShuffledTripleDeliveries_WithConcurrentStops_EndAtTheHighestStatus_OnceEach_AndNoSendAfterStop()
    {
        var messages = Fuzz.Full ? 33_334 : 500;
        for (var i = 0; i < messages; i++)
        {
            await app.CreateContactAsync(PhoneOf(i), optedIn: true);
            await app.PermitReadyAsync(PhoneOf(i));
        }

        while (await app.DispatchAsync(maxPasses: 50) > 0)
        {
        }

        var attempts = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking()
            .Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null)
            .Select(a => new { a.Id, Wamid = a.ProviderMessageId!, a.ContactId })
            .ToListAsync());
        Assert.Equal(messages, attempts.Count);

        // Each status three times, in any order; timestamps in Meta's whole seconds.
        var at = app.Time.GetUtcNow();
        var random = new Random(20261125);
        var phoneOfContact = await app.WithDbAsync(d => d.Contacts.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Phone!));
        var deliveries = attempts
            .SelectMany(a => new[] { ("sent", 0), ("delivered", 1), ("read", 2) }
                .SelectMany(s => Enumerable.Range(0, 3).Select(_ => Meta.Status(a.Wamid, s.Item1, at.AddSeconds(1 + s.Item2), phoneOfContact[a.ContactId!.Value].TrimStart('+')))))
            .OrderBy(_ => random.Next())
            .Chunk(100)
            .Select(batch => Meta.Envelope(Meta.Statuses(batch)))
            .ToList();

        // One person in ten sends STOP somewhere in the middle of the storm.
        var stoppers = Enumerable.Range(0, messages).Where(i => i % 10 == 3).ToList();
        var stops = stoppers.Select(i => Meta.Envelope(Meta.Messages(
            Meta.Text(PhoneOf(i).TrimStart('+'), $"wamid.STOP{i:D7}", at.AddSeconds(2), "STOP")))).ToList();
        var posts = deliveries.Select(b => (Body: b, Stop: false)).Concat(stops.Select(s => (Body: s, Stop: true)))
            .OrderBy(_ => random.Next()).ToList();

        var next = -1;
        var refused = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < posts.Count)
            {
                using var response = await app.PostWebhookAsync(posts[i].Body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    refused.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        Assert.True(refused.IsEmpty, string.Join("\n", refused.Take(3).Concat(
            app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Take(3).Select(l => l.Length > 1500 ? l[..1500] : l))));
        while (await app.ApplyStatusesAsync() > 0)
        {
        }

        // Every attempt at its highest status, one transition per (message, status).
        var statuses = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking()
            .Where(a => a.Channel == Channel.WhatsApp && a.ProviderMessageId != null)
            .GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        Assert.Equal([(AttemptStatus.Read, messages)], statuses.Select(s => (s.Key, s.Count)));
        var ids = attempts.Select(a => a.Id).ToHashSet();
        var transitions = (await app.WithDbAsync(d => d.AttemptStatusChanges.AsNoTracking()
            .Where(c => c.Status == AttemptStatus.Sent || c.Status == AttemptStatus.Delivered || c.Status == AttemptStatus.Read)
            .GroupBy(c => new { c.AttemptId, c.Status }).Select(g => new { g.Key.AttemptId, Count = g.Count() }).ToListAsync()))
            .Where(t => ids.Contains(t.AttemptId)).Select(t => t.Count).ToList();
        Assert.Equal(3 * messages, transitions.Count);
        Assert.All(transitions, count => Assert.Equal(1, count));
        var stored = await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking()
            .GroupBy(e => new { e.Wamid, e.Status }).Select(g => g.Count()).ToListAsync());
        Assert.Equal(3 * messages, stored.Count);
        Assert.All(stored, count => Assert.Equal(1, count));

        // Every STOP committed; the next notice to those people goes by SMS, to the others on WhatsApp.
        var withdrawn = await app.WithDbAsync(d => d.Contacts.CountAsync(c => c.WhatsAppConsent == ConsentState.Withdrawn));
        Assert.Equal(stoppers.Count, withdrawn);
        var sample = stoppers.Take(20).Select(i => (Phone: PhoneOf(i), Stopped: true))
            .Concat(Enumerable.Range(0, messages).Where(i => i % 10 != 3).Take(20).Select(i => (Phone: PhoneOf(i), Stopped: false))).ToList();
        var after = new List<(Guid Id, bool Stopped, string Phone)>();
        foreach (var (phone, stopped) in sample)
        {
            after.Add((await app.PermitReadyAsync(phone), stopped, phone));
        }

        app.Time.Advance(TimeSpan.FromSeconds(10)); // past the pair-rate interval since the first notice
        while (await app.DispatchAsync(maxPasses: 50) > 0)
        {
        }

        foreach (var (id, stopped, phone) in after)
        {
            var notification = await app.NotificationAsync(id);
            Assert.True(stopped
                ? notification.Attempts.All(a => a.Channel != Channel.WhatsApp) && notification.Channel == Channel.Sms
                : notification.Channel == Channel.WhatsApp,
                $"{(stopped ? "stopped" : "opted-in")} person's notice went by {notification.Channel}");
        }
    }
}

public sealed class WebhookStormTests_Sqlite(PostgresServer postgres) : WebhookStormTests(Db.Sqlite, postgres);

public sealed class WebhookStormTests_Postgres(PostgresServer postgres) : WebhookStormTests(Db.Postgres, postgres);
