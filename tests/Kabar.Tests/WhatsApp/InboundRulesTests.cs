using System.Net;
using System.Net.Http.Json;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>SPEC §4 through the signed webhook endpoint, on SQLite and on PostgreSQL.</summary>
public abstract class InboundRulesTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private const string Rina = "6281277770001";
    private const string Budi = "6281277770002";
    private KabarApp app = null!;

    private DateTimeOffset Now => app.Time.GetUtcNow();

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private Task<Contact?> ContactAsync(string waId) =>
        app.WithDbAsync(d => d.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.WaId == waId));

    private Task<List<ConsentEvent>> LedgerAsync(Guid contactId) =>
        app.WithDbAsync(d => d.ConsentEvents.AsNoTracking().Where(e => e.ContactId == contactId).OrderBy(e => e.Seq).ToListAsync());

    private Task<List<Notification>> RepliesAsync(Guid contactId) =>
        app.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.ContactId == contactId).ToListAsync());

    [Fact]
    public async Task OrdinaryMessage_FromUnknownNumber_CreatesContactGrantsWithEvidenceAndOpensWindow()
    {
        var at = Now.AddMinutes(-2);
        await app.PostWebhookOkAsync(Envelope(MessagesFrom([(Rina, "Rina", null)], Text(Rina, "wamid.A1", at, "Halo, izin saya sudah selesai?"))));

        var contact = await ContactAsync(Rina);
        Assert.NotNull(contact);
        Assert.Equal("+6281277770001", contact.Phone);
        Assert.Equal("Rina", contact.Name);
        Assert.Equal(ConsentState.Granted, contact.WhatsAppConsent);
        Assert.Equal(at.UtcDateTime, contact.LastInboundAt);
        var e = Assert.Single(await LedgerAsync(contact.Id));
        Assert.Equal((ConsentSource.InboundMessage, ConsentAction.Granted, "wamid.A1"), (e.Source, e.Action, e.WhatsAppMessageId));
        Assert.Empty(await RepliesAsync(contact.Id));
    }

    [Fact]
    public async Task Stop_WithdrawsAndQueuesOneConfirmationSayingHowToComeBack()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S1", Now.AddMinutes(-1), "Stop!"))));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        var e = Assert.Single(await LedgerAsync(contact.Id));
        Assert.Equal((ConsentScope.WhatsApp, ConsentAction.Withdrawn, ConsentSource.InboundKeyword, "wamid.S1"),
            (e.Scope, e.Action, e.Source, e.WhatsAppMessageId));
        var reply = Assert.Single(await RepliesAsync(contact.Id));
        Assert.Equal((SystemNotificationTypes.OptOutConfirmation, MessageKind.Text, NotificationState.Queued), (reply.Type, reply.Kind, reply.State));
        Assert.Contains("MULAI", reply.Body);
        Assert.Contains("SMS", reply.Body);
    }

    /// <summary>
    /// Found by the byte fuzzer on PostgreSQL: a STOP whose id is as long as the column allows
    /// (200) made the answer's idempotency key longer than its column, and every delivery of the
    /// post was refused. Now it is stored, withdraws and is answered once however often it comes.
    /// </summary>
    [Fact]
    public async Task Stop_WithTheLongestId_IsStoredAndAnsweredOnce()
    {
        var wamid = "wamid." + new string('A', 194);
        for (var delivery = 0; delivery < 2; delivery++)
        {
            await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, wamid, Now.AddMinutes(-1), "STOP"))));
        }

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        Assert.Equal(wamid, Assert.Single(await LedgerAsync(contact.Id)).WhatsAppMessageId);
        var reply = Assert.Single(await RepliesAsync(contact.Id));
        Assert.StartsWith("keyword-reply:sha256:", reply.IdempotencyKey, StringComparison.Ordinal);
        Assert.True(reply.IdempotencyKey!.Length <= Notification.MaxIdempotencyKeyLength);
    }

    [Fact]
    public async Task StopThenOrdinaryMessage_StaysWithdrawnButOpensWindow()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S1", Now.AddHours(-3), "BERHENTI"))));
        var later = Now.AddMinutes(-1);
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S2", later, "Terima kasih, tapi kapan izin saya jadi?"))));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        Assert.Equal(later.UtcDateTime, contact.LastInboundAt);
        Assert.Single(await LedgerAsync(contact.Id));
        Assert.Single(await RepliesAsync(contact.Id));
    }

    [Fact]
    public async Task StopThenMulai_GrantsAgainByKeyword()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S1", Now.AddHours(-3), "STOP"))));
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S2", Now.AddMinutes(-1), "mulai 👍"))));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Granted, contact.WhatsAppConsent);
        var ledger = await LedgerAsync(contact.Id);
        Assert.Equal([ConsentAction.Withdrawn, ConsentAction.Granted], ledger.Select(e => e.Action));
        Assert.All(ledger, e => Assert.Equal(ConsentSource.InboundKeyword, e.Source));
        var replies = await RepliesAsync(contact.Id);
        Assert.Equal(2, replies.Count);
        Assert.Contains(replies, r => r.Type == SystemNotificationTypes.OptInConfirmation);
    }

    [Fact]
    public async Task StopPromotionsButton_WithdrawsMarketingOnly()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.A1", Now.AddHours(-2), "Halo"))));
        await app.PostWebhookOkAsync(Envelope(Messages(Button(Rina, "wamid.B1", Now.AddMinutes(-1), "Stop promotions", "Stop promotions"))));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal((ConsentState.Granted, ConsentState.Withdrawn), (contact.WhatsAppConsent, contact.MarketingConsent));
        Assert.Contains(await RepliesAsync(contact.Id), r => r.Type == SystemNotificationTypes.MarketingOptOutConfirmation);
    }

    [Fact]
    public async Task InteractiveButtonReply_MatchesOnItsTitle()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(ButtonReply(Rina, "wamid.I1", Now.AddMinutes(-1), "btn-7", "Berhenti"))));
        Assert.Equal(ConsentState.Withdrawn, (await ContactAsync(Rina))!.WhatsAppConsent);
    }

    [Fact]
    public async Task LateOlderMessage_DoesNotMoveWindowBackward()
    {
        var newest = Now.AddMinutes(-5);
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.N", newest, "pesan terbaru"))));
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.O", newest.AddHours(-6), "pesan lama, datang terlambat"))));

        Assert.Equal(newest.UtcDateTime, (await ContactAsync(Rina))!.LastInboundAt);
    }

    [Fact]
    public async Task LateOlderKeyword_DoesNotOverturnNewerStop()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.STOP", Now.AddMinutes(-10), "STOP"))));
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.OLD", Now.AddHours(-1), "MULAI"))));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        var late = await app.WithDbAsync(d => d.InboundMessages.SingleAsync(m => m.Wamid == "wamid.OLD"));
        Assert.Equal("superseded", late.Effect);
    }

    [Fact]
    public async Task LateOlderStop_AfterANewerAutomaticOptIn_StillWithdraws()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.HALO", Now.AddMinutes(-5), "halo"))));
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.STOP", Now.AddMinutes(-6), "STOP"))));

        Assert.Equal(ConsentState.Withdrawn, (await ContactAsync(Rina))!.WhatsAppConsent);
    }

    [Fact]
    public async Task FutureTimestamp_IsClampedToNow()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.F", Now.AddDays(2), "halo dari masa depan"))));
        Assert.Equal(Now.UtcDateTime, (await ContactAsync(Rina))!.LastInboundAt);
    }

    [Fact]
    public async Task StopOlderThanTheWindow_IsRecordedButNotAnswered()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.S", Now.AddHours(-30), "STOP"))));
        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        Assert.Empty(await RepliesAsync(contact.Id));
    }

    [Fact]
    public async Task DuplicateDelivery_ChangesNothing()
    {
        var body = Envelope(Messages(Text(Rina, "wamid.D1", Now.AddMinutes(-1), "STOP")));
        await app.PostWebhookOkAsync(body);
        await app.PostWebhookOkAsync(body);
        await app.PostWebhookOkAsync(body);

        var contact = (await ContactAsync(Rina))!;
        Assert.Single(await LedgerAsync(contact.Id));
        Assert.Single(await RepliesAsync(contact.Id));
        Assert.Equal(1, await app.WithDbAsync(d => d.InboundMessages.CountAsync()));
    }

    [Fact]
    public async Task ConcurrentDuplicatesAndMessages_ForOnePerson_KeepOneIntactChain()
    {
        var bodies = Enumerable.Range(0, 12)
            .Select(i => Envelope(Messages(Text(Rina, $"wamid.C{i % 6}", Now.AddMinutes(-20 + i % 6), i % 6 == 3 ? "STOP" : "halo"))))
            .ToList();
        var responses = await Task.WhenAll(bodies.Select(b => app.PostWebhookAsync(b)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        Assert.Equal(6, await app.WithDbAsync(d => d.InboundMessages.CountAsync()));
        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
        Assert.Equal(Now.AddMinutes(-15).UtcDateTime, contact.LastInboundAt);
        var report = await app.WithDbAsync(d => new ConsentVerifier(d).VerifyAsync(CancellationToken.None));
        Assert.True(report.Intact, string.Join("; ", report.Breaks));
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task MixedBatch_SeveralEntriesPeopleStatusesAndUnknownFields_AllApplied()
    {
        var messages = MessagesFrom([(Rina, "Rina", null), (Budi, "Budi", null)],
            Text(Rina, "wamid.M1", Now.AddMinutes(-3), "halo"),
            Text(Budi, "wamid.M2", Now.AddMinutes(-2), "STOP"),
            Message(Rina, "wamid.M3", Now.AddMinutes(-1), "image", new() { ["id"] = "media-1", ["mime_type"] = "image/jpeg", ["caption"] = "foto KTP" }));
        messages["value"]!["some_future_key"] = "ignored";
        var statuses = Meta.Statuses(
            Status("wamid.OUT1", "sent", Now.AddMinutes(-5), Rina, "attempt-1"),
            Status("wamid.OUT1", "read", Now.AddMinutes(-4), Rina, "attempt-1"),
            Status("wamid.OUT2", "failed", Now.AddMinutes(-4), Budi, "attempt-2", errorCode: 131026));
        var unknown = Change("business_capability_update", new() { ["max_daily_conversation_per_phone"] = 1000 });
        var body = Envelope([[messages, unknown], [statuses, UserPreference(Budi, "stop", Now.AddMinutes(-1))]]);

        await app.PostWebhookOkAsync(body);

        var rina = (await ContactAsync(Rina))!;
        var budi = (await ContactAsync(Budi))!;
        Assert.Equal((ConsentState.Granted, ConsentState.Unknown), (rina.WhatsAppConsent, rina.MarketingConsent));
        Assert.Equal((ConsentState.Withdrawn, ConsentState.Withdrawn), (budi.WhatsAppConsent, budi.MarketingConsent));
        Assert.Equal(Now.AddMinutes(-1).UtcDateTime, rina.LastInboundAt);
        Assert.Equal(3, await app.WithDbAsync(d => d.InboundMessages.CountAsync()));
        var stored = await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().OrderBy(s => s.Id).ToListAsync());
        Assert.Equal(3, stored.Count);
        Assert.Contains(stored, s => s is { Wamid: "wamid.OUT2", Status: "failed", ErrorCode: 131026, BizOpaqueCallbackData: "attempt-2" });
    }

    /// <summary>
    /// A post of statuses alone is stored byte for byte before the 200 and becomes status rows
    /// when the status worker expands it; a status without an id is skipped there and its
    /// neighbours still go in. A post that also carries a message is applied before the 200.
    /// </summary>
    [Fact]
    public async Task StatusOnlyPost_StoredAsItCameBeforeThe200_ExpandedIntoRowsAfter()
    {
        // Nothing posted yet: the status worker has no burst to give way to.
        Assert.False(app.Services.GetRequiredService<Kabar.Statuses.StatusIntake>().Busy);

        var broken = Status("wamid.IN2", "delivered", Now.AddMinutes(-2), Rina);
        broken.Remove("id");
        var body = Envelope(Meta.Statuses(Status("wamid.IN1", "delivered", Now.AddMinutes(-2), Rina, "attempt-in-1"), broken,
            Status("wamid.IN3", "read", Now.AddMinutes(-1), Rina)));
        var postedAt = app.Time.GetUtcNow().UtcDateTime;
        using (var response = await app.PostWebhookAsync(body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var inbox = Assert.Single(await app.WithDbAsync(d => d.WebhookInbox.AsNoTracking().ToListAsync()));
        var posted = System.Text.Encoding.UTF8.GetBytes(body);
        Assert.Equal(Kabar.WhatsApp.WebhookInboxPost.Zlib, inbox.BodyEncoding);
        Assert.True(inbox.Body.Length < posted.Length, $"stored {inbox.Body.Length} bytes of a {posted.Length}-byte post");
        Assert.Equal(posted, Kabar.Statuses.StatusIntake.RawBody(inbox));
        Assert.Equal((3, postedAt), (inbox.Statuses, inbox.ReceivedAt));
        Assert.Equal(0, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync()));

        app.Time.Advance(TimeSpan.FromSeconds(5));
        await app.ExpandStatusesAsync();

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        var rows = await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().OrderBy(e => e.Wamid).ToListAsync());
        Assert.Equal([("wamid.IN1", "delivered", "attempt-in-1"), ("wamid.IN3", "read", null)],
            rows.Select(r => (r.Wamid, r.Status, r.BizOpaqueCallbackData)));
        Assert.All(rows, r => Assert.Equal(postedAt, r.ReceivedAt));

        // A message beside statuses: applied in the post's own transaction, nothing left in the inbox.
        using (var mixed = await app.PostWebhookAsync(Envelope([[Messages(Text(Rina, "wamid.IN-M1", Now, "halo"))], [Meta.Statuses(Status("wamid.IN4", "sent", Now, Rina))]])))
        {
            Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(d => d.InboundMessages.CountAsync(m => m.Wamid == "wamid.IN-M1")));
        Assert.Equal(1, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync(e => e.Wamid == "wamid.IN4")));
    }

    /// <summary>
    /// A post of one status (Meta's usual shape) is committed as its status row before the 200,
    /// with nothing left for the expansion; Meta delivering it again changes nothing. One whose
    /// status cannot be read goes to the inbox as it came, where the expansion counts it. Posts of
    /// both kinds arriving together are committed together, each kind where it belongs.
    /// </summary>
    [Fact]
    public async Task OneStatusPost_CommittedAsItsRowBeforeThe200_AgainChangesNothing()
    {
        var postedAt = app.Time.GetUtcNow().UtcDateTime;
        var one = Envelope(Meta.Statuses(Status("wamid.ONE1", "delivered", Now.AddMinutes(-1), Rina, "attempt-one-1")));
        for (var delivery = 0; delivery < 2; delivery++)
        {
            using var response = await app.PostWebhookAsync(one);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        var row = Assert.Single(await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().ToListAsync()));
        Assert.Equal(("wamid.ONE1", "delivered", "attempt-one-1", Rina, postedAt, (DateTime?)null),
            (row.Wamid, row.Status, row.BizOpaqueCallbackData, row.RecipientId, row.ReceivedAt, row.AppliedAt));
        Assert.Equal(Now.AddMinutes(-1).UtcDateTime, row.OccurredAt, TimeSpan.FromSeconds(1));

        var broken = Status("wamid.ONE2", "delivered", Now, Rina);
        broken.Remove("id");
        using (var response = await app.PostWebhookAsync(Envelope(Meta.Statuses(broken))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, (await app.WithDbAsync(d => d.WebhookInbox.AsNoTracking().SingleAsync())).Statuses);

        var singles = Enumerable.Range(0, 24).Select(i => Envelope(Meta.Statuses(Status($"wamid.MIX{i}", "sent", Now, Rina))));
        var pairs = Enumerable.Range(0, 6).Select(i => Envelope(Meta.Statuses(
            Status($"wamid.PAIR{i}", "sent", Now, Rina), Status($"wamid.PAIR{i}", "delivered", Now, Rina))));
        var answers = await Task.WhenAll(singles.Concat(pairs).Concat(singles).Select(async b =>
        {
            using var response = await app.PostWebhookAsync(b);
            return response.StatusCode;
        }));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));

        // Before the worker's turn each kind is where it belongs: the single statuses as their
        // rows, the pairs as posts beside the unreadable one.
        Assert.Equal(24, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync(e => e.Wamid.StartsWith("wamid.MIX"))));
        Assert.Equal(0, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync(e => e.Wamid.StartsWith("wamid.PAIR"))));
        Assert.Equal([1, 2, 2, 2, 2, 2, 2], await app.WithDbAsync(d => d.WebhookInbox.OrderBy(p => p.Statuses).Select(p => p.Statuses).ToListAsync()));
        await app.ExpandStatusesAsync();

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        Assert.Equal(24, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync(e => e.Wamid.StartsWith("wamid.MIX"))));
        Assert.Equal(12, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync(e => e.Wamid.StartsWith("wamid.PAIR"))));
    }

    /// <summary>
    /// A post stored as it came, before bodies were compressed (an inbox left over from an
    /// upgrade), expands like any other; a body whose encoding Kabar does not know is reported
    /// and skipped without holding the next post up.
    /// </summary>
    [Fact]
    public async Task InboxPostStoredUncompressed_StillExpands_UnknownEncodingSkipped()
    {
        var body = System.Text.Encoding.UTF8.GetBytes(Envelope(Meta.Statuses(Status("wamid.OLD1", "delivered", Now.AddMinutes(-3), Rina))));
        await app.WithDbAsync(async d =>
        {
            d.WebhookInbox.Add(new Kabar.WhatsApp.WebhookInboxPost { Body = [1, 2, 3], BodyEncoding = "lz77x", Statuses = 1, ReceivedAt = Now.UtcDateTime });
            d.WebhookInbox.Add(new Kabar.WhatsApp.WebhookInboxPost { Body = body, Statuses = 1, ReceivedAt = Now.UtcDateTime });
            return await d.SaveChangesAsync();
        });

        await app.ExpandStatusesAsync();

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        Assert.Equal(["wamid.OLD1"], await app.WithDbAsync(d => d.WhatsAppStatusEvents.Select(e => e.Wamid).ToListAsync()));
        Assert.Single(app.Logs.Lines, l => l.Contains("could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Statuses_RepeatedAndReordered_StoredOncePerWamidAndStatus()
    {
        var read = Status("wamid.OUT9", "read", Now.AddMinutes(-1), Rina);
        var sent = Status("wamid.OUT9", "sent", Now.AddMinutes(-3), Rina);
        await app.PostWebhookOkAsync(Envelope(Meta.Statuses(read, read.DeepClone().AsObject())));
        await app.PostWebhookOkAsync(Envelope(Meta.Statuses(sent)));
        await app.PostWebhookOkAsync(Envelope(Meta.Statuses(sent.DeepClone().AsObject(), read.DeepClone().AsObject())));

        var stored = await app.WithDbAsync(d => d.WhatsAppStatusEvents.Select(s => s.Status).OrderBy(s => s).ToListAsync());
        Assert.Equal(["read", "sent"], stored);
    }

    /// <summary>
    /// Status posts arriving together are committed together; each is still answered only once
    /// it is stored (in the inbox as it came, or already expanded), and a status in several of
    /// them becomes one status row.
    /// </summary>
    [Fact]
    public async Task ConcurrentStatusPosts_EachAnsweredOnceItsStatusesAreStored_EachStatusStoredOnce()
    {
        // 40 posts of 50 statuses at once; each shares half of its statuses with the next. The
        // inbox is expanded while they arrive, as the status worker would.
        static List<string> WamidsOf(int post) => Enumerable.Range(post * 25, 50).Select(i => $"wamid.GC{i}").ToList();
        using var expanding = new CancellationTokenSource();
        var expander = Task.Run(async () =>
        {
            while (!expanding.IsCancellationRequested)
            {
                await app.ExpandStatusesAsync();
                await Task.Delay(5);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async post =>
        {
            var wamids = WamidsOf(post);
            using var response = await app.PostWebhookAsync(Envelope(Meta.Statuses(wamids.Select(w => Status(w, "delivered", Now.AddMinutes(-1), Rina)).ToArray())));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var durable = await app.StoredStatusesAsync();
            Assert.All(wamids, w => Assert.Contains((w, "delivered"), durable));
        }));
        await expanding.CancelAsync();
        await expander;
        await app.ExpandStatusesAsync();

        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        var stored = await app.WithDbAsync(d => d.WhatsAppStatusEvents.Select(s => s.Wamid).ToListAsync());
        Assert.Equal(39 * 25 + 50, stored.Count);
        Assert.Equal(stored.Count, stored.Distinct().Count());
    }

    [Fact]
    public async Task UserPreferences_StopThenResume_ChangesMarketingOnly_AndRepeatsAreIgnored()
    {
        var stop = Envelope(UserPreference(Rina, "stop", Now.AddMinutes(-10)));
        await app.PostWebhookOkAsync(stop);
        await app.PostWebhookOkAsync(stop);
        var contact = (await ContactAsync(Rina))!;
        Assert.Equal((ConsentState.Unknown, ConsentState.Withdrawn), (contact.WhatsAppConsent, contact.MarketingConsent));
        Assert.Single(await LedgerAsync(contact.Id));

        await app.PostWebhookOkAsync(Envelope(UserPreference(Rina, "resume", Now.AddMinutes(-1))));
        contact = (await ContactAsync(Rina))!;
        Assert.Equal(ConsentState.Granted, contact.MarketingConsent);
        Assert.All(await LedgerAsync(contact.Id), e => Assert.Equal(ConsentSource.UserPreferencesWebhook, e.Source));
    }

    [Fact]
    public async Task UsernameUser_WithBusinessScopedIdAndNoPhone_IsKeptByThatId()
    {
        var message = Message(null, "wamid.U1", Now.AddMinutes(-1), "text", new() { ["body"] = "halo" }, userId: "ID.1502576394655843");
        await app.PostWebhookOkAsync(Envelope(MessagesFrom([(null, "rina_karo", "ID.1502576394655843")], message)));
        await app.PostWebhookOkAsync(Envelope(MessagesFrom([(null, "rina_karo", "ID.1502576394655843")],
            Message(null, "wamid.U2", Now, "text", new() { ["body"] = "STOP" }, userId: "ID.1502576394655843"))));

        var contacts = await app.WithDbAsync(d => d.Contacts.AsNoTracking().ToListAsync());
        var contact = Assert.Single(contacts);
        Assert.Null(contact.Phone);
        Assert.Equal("ID.1502576394655843", contact.BusinessScopedUserId);
        Assert.Equal(ConsentState.Withdrawn, contact.WhatsAppConsent);
    }

    [Fact]
    public async Task KnownContact_WritingFromTheirRegisteredPhone_IsMatchedNotDuplicated()
    {
        using var api = app.Api();
        using var created = await api.PostAsJsonAsync("/api/contacts", new { phone = "0812-7777-0001", name = "Rina Br Ginting" });
        await Http.AssertStatusAsync(created, HttpStatusCode.Created);

        await app.PostWebhookOkAsync(Envelope(MessagesFrom([(Rina, "rina", null)], Text(Rina, "wamid.K1", Now.AddMinutes(-1), "halo"))));

        var contact = Assert.Single(await app.WithDbAsync(d => d.Contacts.AsNoTracking().ToListAsync()));
        Assert.Equal((Rina, "Rina Br Ginting"), (contact.WaId, contact.Name));
    }

    [Fact]
    public async Task SystemMessage_UserChangedNumber_FollowsTheNewNumberWithoutOpeningWindow()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.A", Now.AddHours(-30), "halo"))));
        var system = Message(Rina, "wamid.SYS", Now.AddMinutes(-1), "system", new()
        {
            ["body"] = "User Rina changed from 6281277770001 to 6281277779999",
            ["wa_id"] = "6281277779999",
            ["type"] = "user_changed_number",
        });
        await app.PostWebhookOkAsync(Envelope(Messages(system)));

        var contact = (await ContactAsync("6281277779999"))!;
        Assert.Equal("+6281277779999", contact.Phone);
        Assert.Equal(Now.AddHours(-30).UtcDateTime, contact.LastInboundAt);
    }

    /// <summary>
    /// A new number or user id longer than the contact's column cannot be the one Meta meant:
    /// the system message is skipped and its post quarantined, where before PostgreSQL refused
    /// the whole post on every delivery.
    /// </summary>
    [Fact]
    public async Task SystemMessage_WithANewIdTooLongForItsColumn_IsQuarantined_AndThePostIsStored()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.LONG0", Now.AddMinutes(-2), "halo"))));
        var userId = Message(Rina, "wamid.LONG1", Now.AddMinutes(-1), "system", new()
        {
            ["body"] = "User Rina changed their user id",
            ["user_id"] = "ID." + new string('7', 158),
            ["type"] = "user_changed_user_id",
        });
        var number = Message(Rina, "wamid.LONG2", Now.AddMinutes(-1), "system", new()
        {
            ["body"] = "User Rina changed from 6281277770001 to 6281277779999",
            ["wa_id"] = "00000000" + "6281277779999",
            ["type"] = "user_changed_number",
        });
        await app.PostWebhookOkAsync(Envelope(Messages(userId, number)));

        var contact = (await ContactAsync(Rina))!;
        Assert.Equal(("+6281277770001", (string?)null), (contact.Phone, contact.BusinessScopedUserId));
        var quarantined = Assert.Single(await app.WithDbAsync(d => d.WebhookQuarantine.AsNoTracking().ToListAsync()));
        Assert.Contains("longer than 160 characters", quarantined.Reasons, StringComparison.Ordinal);
        Assert.Contains("longer than 20 characters", quarantined.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_NeverCarryTheRawNumber()
    {
        await app.PostWebhookOkAsync(Envelope(Messages(Text(Rina, "wamid.L1", Now.AddMinutes(-1), "STOP"))));
        using var bad = await app.PostWebhookAsync(Envelope(Messages(Text(Rina, "wamid.L2", Now, "x"))), "sha256=" + new string('0', 64));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Rina, StringComparison.Ordinal) || l.Contains("81277770001", StringComparison.Ordinal));
    }
}

public sealed class InboundRulesTests_Sqlite(PostgresServer postgres) : InboundRulesTests(Db.Sqlite, postgres);

public sealed class InboundRulesTests_Postgres(PostgresServer postgres) : InboundRulesTests(Db.Postgres, postgres);
