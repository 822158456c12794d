using System.Net;
using System.Text.Json.Nodes;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// No poison batches: a correctly signed post with one unreadable part (bytes that are no UTF-8,
/// an escaped half surrogate, a NUL, an id longer than its column) is answered 200, its
/// neighbours are stored, the unreadable item is skipped and the post is quarantined with the
/// reason. Free text that cannot be read is kept with U+FFFD in its place. On both databases:
/// PostgreSQL refuses NULs and over-long values that SQLite would store.
/// </summary>
public abstract class WebhookPoisonTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private const string Rina = "6281277880001";
    private const string Budi = "6281277880002";
    private KabarApp app = null!;

    private DateTimeOffset At => app.Time.GetUtcNow().AddMinutes(-1);

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string, string> FieldsAndKinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in new[] { "text", "profile.name", "id", "type", "from", "contacts.wa_id" })
        {
            foreach (var kind in SignedBytes.Kinds)
            {
                data.Add(field, kind);
            }
        }

        return data;
    }

    /// <summary>Rina's good message beside Budi's, which carries the marker in <paramref name="field"/>.</summary>
    private string MessagesBody(string field)
    {
        var m = SignedBytes.Marker;
        var budiName = field == "profile.name" ? $"Budi {m}" : "Budi";
        var budiWaId = field == "contacts.wa_id" ? $"62812{m}" : Budi;
        var budi = field switch
        {
            "text" => Text(Budi, "wamid.POISON-B", At, $"Izin {m} saya"),
            "id" => Text(Budi, $"wamid.{m}", At, "Izin saya"),
            "type" => Message(Budi, "wamid.POISON-B", At, $"te{m}xt", new JsonObject { ["body"] = "Izin saya" }),
            "from" => Text($"62812{m}", "wamid.POISON-B", At, "Izin saya"),
            _ => Text(Budi, "wamid.POISON-B", At, "Izin saya"),
        };
        return Envelope(MessagesFrom([(Rina, "Rina", null), (budiWaId, budiName, null)], Text(Rina, "wamid.POISON-R", At, "Halo"), budi));
    }

    [Theory]
    [MemberData(nameof(FieldsAndKinds))]
    public async Task Message_UnreadableField_NeighbourStored_ItemSkippedOrRepaired_Answer200(string field, string kind)
    {
        var body = SignedBytes.Spoil(MessagesBody(field), kind);
        using var response = await app.PostBytesAsync(body);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        var stored = await app.WithDbAsync(d => d.InboundMessages.AsNoTracking().OrderBy(m => m.Wamid).ToListAsync());
        Assert.Contains(stored, m => m.Wamid == "wamid.POISON-R" && m.Body == "Halo");
        var quarantined = await QuarantineAsync();
        switch (field)
        {
            case "text":
                // Free text: the message is kept, what could not be read shows as U+FFFD.
                var kept = Assert.Single(stored, m => m.Wamid == "wamid.POISON-B");
                Assert.StartsWith("Izin ", kept.Body);
                Assert.Contains('\uFFFD', kept.Body!);
                Assert.Empty(quarantined);
                break;
            case "profile.name":
                Assert.Contains(stored, m => m.Wamid == "wamid.POISON-B");
                var contact = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.WaId == Budi));
                Assert.StartsWith("Budi ", contact.Name);
                Assert.Contains('\uFFFD', contact.Name!);
                Assert.Empty(quarantined);
                break;
            case "contacts.wa_id":
                // The unreadable sender entry is skipped; both messages name their senders themselves.
                Assert.Equal(2, stored.Count);
                AssertQuarantined(quarantined, body, "entry[0].changes[0].value.contacts[1].wa_id: ");
                break;
            default:
                // An identifying field: the message is not guessed at, and the post is kept for a replay.
                Assert.Single(stored);
                AssertQuarantined(quarantined, body, $"entry[0].changes[0].value.messages[1].{field}: ");
                break;
        }

        AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StatusOnlyPost_UnreadableStatus_NeighbourApplied_PostQuarantined_InboxEmptied(string kind)
    {
        var json = Envelope(Meta.Statuses(
            Status("wamid.ST-GOOD", "delivered", At, Rina),
            Status($"wamid.{SignedBytes.Marker}", "delivered", At, Budi),
            Status("wamid.ST-LATER", "read", At, Rina)));
        var body = SignedBytes.Spoil(json, kind);
        using (var response = await app.PostBytesAsync(body))
        {
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        }

        // A good post behind it: the status worker must not stall on the bad one.
        await app.PostWebhookOkAsync(Envelope(Meta.Statuses(Status("wamid.ST-NEXT", "sent", At, Rina))));

        var statuses = await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().Select(s => s.Wamid + "/" + s.Status).ToListAsync());
        Assert.Equal(["wamid.ST-GOOD/delivered", "wamid.ST-LATER/read", "wamid.ST-NEXT/sent"], statuses.Order());
        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        AssertQuarantined(await QuarantineAsync(), body, "entry[0].changes[0].value.statuses[1].id: ");
        AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TemplateEvent_UnreadableName_NeighbourRecorded_EventQuarantined(string kind)
    {
        var json = Envelope(
            Change("message_template_status_update", Template("permit_ready")),
            Change("message_template_status_update", Template($"permit_{SignedBytes.Marker}")));
        var body = SignedBytes.Spoil(json, kind);
        using var response = await app.PostBytesAsync(body);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        var events = await app.WithDbAsync(d => d.TemplateStatusEvents.AsNoTracking().Select(e => e.Name).ToListAsync());
        Assert.Equal(["permit_ready"], events);
        AssertQuarantined(await QuarantineAsync(), body, "entry[0].changes[1].value.message_template_name: ");
        AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task UserPreference_UnreadableWaId_NeighbourApplied_PreferenceQuarantined(string kind)
    {
        var json = Envelope(UserPreference(Rina, "stop", At), UserPreference($"62812{SignedBytes.Marker}", "stop", At));
        var body = SignedBytes.Spoil(json, kind);
        using var response = await app.PostBytesAsync(body);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        var rina = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.WaId == Rina));
        Assert.Equal(ConsentState.Withdrawn, rina.MarketingConsent);
        Assert.Equal(1, await app.WithDbAsync(d => d.Contacts.CountAsync()));
        AssertQuarantined(await QuarantineAsync(), body, "entry[0].changes[1].value.user_preferences[0].wa_id: ");
        AssertNoErrorLogged();
    }

    /// <summary>Valid JSON PostgreSQL cannot store: a NUL in free text is replaced, in an id it skips the message; over-long ids skip theirs.</summary>
    [Fact]
    public async Task NulsAndOverlongValues_AreRepairedOrSkipped_NeverA5xx()
    {
        var longName = new string('é', 199) + "😀" + new string('a', 20); // the cut at 200 falls inside the emoji
        var json = Envelope(MessagesFrom([(Rina, longName, null), (Budi, "Budi", null)],
            Text(Rina, "wamid.NUL-R", At, "Ha\u0000lo " + new string('x', 4089) + "😀"),
            Text(Budi, "wamid.NUL\u0000B", At, "Izin"),
            Text(Budi, "wamid." + new string('9', 300), At, "Izin"),
            Message(Budi, "wamid.NUL-T", At, new string('t', 40), new JsonObject { ["body"] = "x" })));
        using var response = await app.PostWebhookAsync(json);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        var stored = Assert.Single(await app.WithDbAsync(d => d.InboundMessages.AsNoTracking().ToListAsync()));
        Assert.Equal("wamid.NUL-R", stored.Wamid);
        Assert.StartsWith("Ha\uFFFDlo x", stored.Body);
        Assert.Equal(4095, stored.Body!.Length); // the cut at 4096 fell between the emoji's halves
        var contact = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.WaId == Rina));
        Assert.Equal(199, contact.Name!.Length);
        var reasons = Assert.Single(await QuarantineAsync()).Reasons;
        Assert.Contains("messages[1].id: NUL character", reasons);
        Assert.Contains("messages[2].id: longer than 200 characters", reasons);
        Assert.Contains("messages[3].type: longer than 32 characters", reasons);
        AssertNoErrorLogged();
    }

    /// <summary>Found by the byte fuzzing: an unreadable <c>object</c> made the door itself throw.</summary>
    [Fact]
    public async Task UnreadableObject_ItemsStillStored_PostQuarantined()
    {
        var json = Envelope(Messages(Text(Rina, "wamid.OBJ-1", At, "Halo")))
            .Replace("whatsapp_business_account", $"wh{SignedBytes.Marker}atsapp_business_account", StringComparison.Ordinal);
        var body = SignedBytes.Spoil(json.Replace(SignedBytes.Marker, SignedBytes.Marker + "\\u0041", StringComparison.Ordinal), "surrogate");
        using var response = await app.PostBytesAsync(body);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        Assert.Single(await app.WithDbAsync(d => d.InboundMessages.Where(m => m.Wamid == "wamid.OBJ-1").ToListAsync()));
        AssertQuarantined(await QuarantineAsync(), body, "post.object: unreadable");
        AssertNoErrorLogged();
    }

    /// <summary>
    /// Found by the byte fuzzing: a key holding a surrogate pair's halves the wrong way round makes
    /// every lookup in its object throw. Only the item with that key is skipped.
    /// </summary>
    [Theory]
    [InlineData("message")]
    [InlineData("status")]
    [InlineData("change")]
    public async Task UnreadableKey_SkipsOnlyItsItem(string where)
    {
        var good = Text(Rina, "wamid.KEY-R", At, "Halo");
        var bad = Text(Budi, "wamid.KEY-B", At, "Halo");
        string json;
        if (where == "status")
        {
            var status = Status("wamid.KEY-S2", "read", At, Budi);
            status[SignedBytes.Marker] = 1;
            json = Envelope(Meta.Statuses(Status("wamid.KEY-S1", "read", At, Rina), status));
        }
        else if (where == "change")
        {
            var change = Messages(bad);
            change[SignedBytes.Marker] = 1;
            json = Envelope(Messages(good), change);
        }
        else
        {
            bad[SignedBytes.Marker] = 1;
            json = Envelope(Messages(good, bad));
        }

        var body = SignedBytes.Spoil(json, "reversed");
        using (var response = await app.PostBytesAsync(body))
        {
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        }

        await app.ExpandStatusesAsync();
        if (where == "status")
        {
            Assert.Equal(["wamid.KEY-S1"], await app.WithDbAsync(d => d.WhatsAppStatusEvents.Select(e => e.Wamid).ToListAsync()));
            AssertQuarantined(await QuarantineAsync(), body, "entry[0].changes[0].value.statuses[1].");
        }
        else
        {
            Assert.Equal(["wamid.KEY-R"], await app.WithDbAsync(d => d.InboundMessages.Select(m => m.Wamid).ToListAsync()));
            AssertQuarantined(await QuarantineAsync(), body, where == "change" ? "entry[0].changes[1]." : "entry[0].changes[0].value.messages[1].");
        }

        AssertNoErrorLogged();
    }

    /// <summary>Meta delivers the same post more than once: it is quarantined once.</summary>
    [Fact]
    public async Task SamePoisonedPostTwice_IsQuarantinedOnce()
    {
        var body = SignedBytes.Spoil(MessagesBody("id"), "ff");
        for (var i = 0; i < 2; i++)
        {
            using var response = await app.PostBytesAsync(body);
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        }

        Assert.Single(await QuarantineAsync());
        Assert.Single(await app.WithDbAsync(d => d.InboundMessages.ToListAsync()));
    }

    public static TheoryData<string> Kinds() => new(SignedBytes.Kinds);

    private static JsonObject Template(string name) => new()
    {
        ["event"] = "PAUSED",
        ["message_template_id"] = 1234567890,
        ["message_template_name"] = name,
        ["message_template_language"] = "id",
        ["reason"] = "NONE",
    };

    private Task<List<Kabar.WhatsApp.WebhookQuarantinePost>> QuarantineAsync() =>
        app.WithDbAsync(d => d.WebhookQuarantine.AsNoTracking().ToListAsync());

    private static void AssertQuarantined(List<Kabar.WhatsApp.WebhookQuarantinePost> quarantined, byte[] body, string reason)
    {
        var post = Assert.Single(quarantined);
        Assert.Equal(body, post.Body);
        Assert.Equal(body.Length, post.Size);
        Assert.Equal(1, post.Skipped);
        Assert.StartsWith(reason, post.Reasons);
    }

    private void AssertNoErrorLogged()
    {
        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(3)));
    }
}

public sealed class WebhookPoisonTests_Sqlite(PostgresServer postgres) : WebhookPoisonTests(Db.Sqlite, postgres);

public sealed class WebhookPoisonTests_Postgres(PostgresServer postgres) : WebhookPoisonTests(Db.Postgres, postgres);
