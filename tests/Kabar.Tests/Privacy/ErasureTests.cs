using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Citizens;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Privacy;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Privacy;

/// <summary>
/// The right to erasure (UU PDP Art. 8; SPEC §11) end to end: a person seeded through the real
/// flows is erased and no table keeps their phone, name, e-mail, IP or user agent; the ledger still
/// verifies; the statistics still count what was sent; the same number coming back starts withdrawn.
/// </summary>
public sealed class ErasureTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Erase_LeavesNoPersonalDataInAnyTable_KeepsTheLedgerAndTheCounts(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        var person = await PrivacySeed.SeedAsync(app);

        // The seed really put the person everywhere the scan looks.
        var before = await PrivacySeed.FindAsync(app, person.Needles);
        foreach (var where in new[] { "Contacts.Phone", "Contacts.Name", "Contacts.Email", "Registrations.Ip", "Registrations.UserAgent",
                     "ConsentEvents.Ip", "ConsentEvents.UserAgent", "InboundMessages.Body", "Notifications.ParamsJson", "WhatsAppStatusEvents.RecipientId", "WebhookInbox.Body" })
        {
            Assert.Contains(before, f => f.StartsWith(where + " ", StringComparison.Ordinal));
        }

        var channels = await app.WithDbAsync(d => d.DeliveryAttempts.Where(a => a.ContactId == person.ContactId).Select(a => a.Channel).Distinct().ToListAsync());
        Assert.Equal([Channel.WhatsApp, Channel.Sms, Channel.Email], channels.Order());
        var eml = Assert.Single(Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories));
        Assert.NotEmpty(app.Sms().Received(person.Phone));

        using var api = app.Api();
        var statsBefore = await api.GetFromJsonAsync<JsonElement>("/api/stats");

        using var erase = await api.DeleteAsync($"/api/contacts/{person.ContactId}?reference=SURAT-PDP-7");
        await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        var erased = await KabarApp.ReadAsync<JsonElement>(erase);
        Assert.Equal("erasure", erased.GetProperty("request").GetProperty("kind").GetString());
        Assert.Equal("fulfilled", erased.GetProperty("request").GetProperty("outcome").GetString());
        Assert.Equal("api:config-0", erased.GetProperty("request").GetProperty("requestedBy").GetString());

        var after = await PrivacySeed.FindAsync(app, person.Needles);
        Assert.True(after.Count == 0, "Personal data left after erasure:\n" + string.Join('\n', after));
        Assert.False(File.Exists(eml), "the stored e-mail is removed");
        Assert.Empty(app.Sms().Received(person.Phone));

        var verify = await KabarCliRunner.RunAsync(app, "consent", "verify");
        Assert.True(verify.Code == 0, verify.ToString());

        // Aggregates stay: what was sent, delivered, fell back and cost is unchanged.
        var statsAfter = await api.GetFromJsonAsync<JsonElement>("/api/stats");
        foreach (var figure in new[] { "windowUsage", "fallbackRate", "whatsAppDelivery", "endToEndDelivery", "estimatedCost", "failures" })
        {
            Assert.Equal(statsBefore.GetProperty(figure).GetRawText(), statsAfter.GetProperty(figure).GetRawText());
        }

        // The tombstone: withdrawn in the ledger, the keyed hash kept, shown as erased.
        using var state = await api.GetAsync($"/api/contacts/{person.ContactId}");
        var contact = await KabarApp.ReadAsync<JsonElement>(state);
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("phone").ValueKind);
        Assert.Equal("withdrawn", contact.GetProperty("consent").GetProperty("whatsapp").GetString());
        var hash = await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == person.ContactId).Select(c => c.ErasedPhoneHash).SingleAsync());
        Assert.Matches("^[0-9a-f]{64}$", hash);

        // A second erasure changes nothing, answers the same, and is recorded too.
        using var again = await api.DeleteAsync($"/api/contacts/{person.ContactId}");
        await Http.AssertStatusAsync(again, HttpStatusCode.OK);
        var second = await KabarApp.ReadAsync<JsonElement>(again);
        Assert.Equal(erased.GetProperty("erasedAt").GetString(), second.GetProperty("erasedAt").GetString());
        Assert.Equal("no_change", second.GetProperty("request").GetProperty("outcome").GetString());
        using var missing = await api.DeleteAsync($"/api/contacts/{Guid.NewGuid()}");
        await Http.AssertStatusAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ErasedNumber_ComingBack_StartsWithdrawn_OnTheFormTheApiAndWhatsApp()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var person = await PrivacySeed.SeedAsync(app);
        using var api = app.Api();
        using (var erase = await api.DeleteAsync($"/api/contacts/{person.ContactId}"))
        {
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        // The registration form with the box ticked: the number is recognised, the tick grants nothing.
        app.Time.Advance(TimeSpan.FromDays(2));
        var again = await app.Services.GetRequiredService<RegistrationService>().RegisterAsync(
            new RegistrationInput("Siti R.", person.Phone, null, "Izin Usaha Mikro", true, "id", "192.0.2.1", "ua"), CancellationToken.None);
        Assert.NotEqual(person.ContactId, again.ContactId);
        var ledger = await app.WithDbAsync(d => d.ConsentEvents.Where(e => e.ContactId == again.ContactId).OrderBy(e => e.Seq).ToListAsync());
        Assert.Equal([(ConsentScope.WhatsApp, ConsentAction.Withdrawn), (ConsentScope.WhatsAppMarketing, ConsentAction.Withdrawn)],
            ledger.Select(e => (e.Scope, e.Action)));
        Assert.All(ledger, e => Assert.Equal((ConsentSource.Admin, ErasureRegistry.CarryOverOperator), (e.Source, e.Operator)));
        Assert.Null(again.ConsentEventId);

        // The acknowledgement goes by SMS, not WhatsApp.
        await app.SendAndSettleAsync();
        var ack = await app.NotificationAsync(again.NotificationId!.Value);
        Assert.Equal(Channel.Sms, ack.Channel);
        Assert.Equal(DecisionReason.OptedOut, ack.Decision!.Reason);

        // A message from the person opens the window but does not re-grant; MULAI does.
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(PrivacySeed.WaId, "wamid.PDP-BACK-1", app.Time.GetUtcNow(), "halo"))));
        using (var s = await api.GetAsync($"/api/contacts/{again.ContactId}"))
        {
            Assert.Equal("withdrawn", (await KabarApp.ReadAsync<JsonElement>(s)).GetProperty("consent").GetProperty("whatsapp").GetString());
        }

        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(PrivacySeed.WaId, "wamid.PDP-BACK-2", app.Time.GetUtcNow(), "MULAI"))));
        using (var s = await api.GetAsync($"/api/contacts/{again.ContactId}"))
        {
            Assert.Equal("granted", (await KabarApp.ReadAsync<JsonElement>(s)).GetProperty("consent").GetProperty("whatsapp").GetString());
        }

        // The API, for another erased number: created withdrawn; the consent block with fresh evidence is the newer word.
        var other = await app.CreateContactAsync("+6281277775002", optedIn: false);
        using (var erase = await api.DeleteAsync($"/api/contacts/{other}"))
        {
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        using var created = await api.PostAsJsonAsync("/api/contacts", new { phone = "0812-7777-5002", name = "Budi" });
        await Http.AssertStatusAsync(created, HttpStatusCode.Created);
        Assert.Equal("withdrawn", (await KabarApp.ReadAsync<JsonElement>(created)).GetProperty("consent").GetProperty("whatsapp").GetString());

        // The contact import, from an old spreadsheet that still says a third person agreed in 2024:
        // the row goes in withdrawn, the old consent loses to the erasure, and the report says why.
        var third = await app.CreateContactAsync("+6281277775004", optedIn: true);
        using (var erase = await api.DeleteAsync($"/api/contacts/{third}"))
        {
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        var report = await Kabar.Tests.Transfers.TransferSupport.ImportAsync(app, """
            phone,name,consent,consent_source,consent_at,text_version
            0812-7777-5004,Dewi,granted,formulir loket,2024-03-15,daftar-v1

            """);
        Assert.Contains(report.GetProperty("notes").EnumerateArray(), n => n.GetProperty("column").GetString() == "phone"
            && n.GetProperty("reason").GetString()!.Contains("erased", StringComparison.Ordinal));
        var imported = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Phone == "+6281277775004"));
        Assert.Equal(ConsentState.Withdrawn, imported.WhatsAppConsent);

        // A number never erased is not affected.
        var fresh = await app.CreateContactAsync("+6281277775003", optedIn: false);
        Assert.Equal(0, await app.WithDbAsync(d => d.ConsentEvents.CountAsync(e => e.ContactId == fresh)));
        var verify = await KabarCliRunner.RunAsync(app, "consent", "verify");
        Assert.True(verify.Code == 0, verify.ToString());
    }

    [Fact]
    public async Task Erase_CancelsPendingNotifications_AndExpiresOptInLinks()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var id = await app.CreateContactAsync("+6281277775010", optedIn: false);
        var later = await app.EnqueueAsync(new
        {
            type = "permit_ready",
            contactId = id,
            @params = Pipeline.PermitReadyParams,
            sendAt = app.Time.GetUtcNow().AddDays(1),
        });
        using var api = app.Api();
        using (var erase = await api.DeleteAsync($"/api/contacts/{id}"))
        {
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        await app.AdvanceAsync(TimeSpan.FromDays(2));
        var n = await app.NotificationAsync(later);
        Assert.Equal(NotificationState.Cancelled, n.State);
        Assert.Empty(n.Attempts);
        Assert.Empty(app.Sms().Received("+6281277775010"));

        // Nothing new is addressed to the tombstone.
        using var enqueue = await api.PostAsJsonAsync("/api/notifications", new { type = "permit_ready", contactId = id, @params = Pipeline.PermitReadyParams });
        await Http.AssertStatusAsync(enqueue, HttpStatusCode.UnprocessableEntity);
        using var consent = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { scope = "whatsapp", granted = true, source = "api" });
        await Http.AssertStatusAsync(consent, HttpStatusCode.Conflict);
    }
}
