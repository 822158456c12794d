using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Notifications;

/// <summary>
/// A notification goes in and reaches the person on the right channel exactly once (SPEC §5, §6,
/// §13), through the in-process Cloud API simulator, on SQLite and on PostgreSQL.
/// </summary>
public abstract class NotificationPipelineTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    protected KabarApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync() => App = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    [Fact]
    public async Task OptedInContact_PermitReady_IsDeliveredOnWhatsAppAsTheMappedTemplate()
    {
        await App.CreateContactAsync("081277770001", optedIn: true);
        var id = await App.PermitReadyAsync("081277770001");

        await App.SendAndSettleAsync();

        var n = await App.NotificationAsync(id);
        Assert.Equal((NotificationState.Delivered, Channel.WhatsApp), (n.State, n.Channel));
        Assert.Equal(DecisionReason.OptedIn, n.Decision!.Reason);
        var attempt = Assert.Single(n.Attempts);
        Assert.Equal(AttemptStatus.Delivered, attempt.Status);
        Assert.Equal([AttemptStatus.Accepted, AttemptStatus.Sent, AttemptStatus.Delivered], attempt.History.Select(h => h.Status));
        var sent = Assert.Single(App.WhatsAppTo("+6281277770001"));
        Assert.Equal(attempt.ProviderMessageId, sent.Id);
        Assert.Equal(attempt.Id.ToString(), sent.CallbackData);
        Assert.Equal(("permit_ready", "id"), (sent.TemplateName, sent.TemplateLanguage));
        Assert.Equal(["Siti Aminah", "Izin Usaha Mikro", "503/0186/IUM/2026", "25-11-2026", "https://perizinan.example.id/izin/0186"], sent.Parameters);
        Assert.Empty(App.Sms().Received("+6281277770001"));
    }

    [Fact]
    public async Task UnknownNumber_GoesBySmsWithAPersonalOptInLink_StoredOnlyAsItsHash()
    {
        var id = await App.PermitReadyAsync("081277770002");

        await App.SendAndSettleAsync();

        var n = await App.NotificationAsync(id);
        Assert.Equal((NotificationState.Sent, Channel.Sms, DecisionReason.NoConsent), (n.State, n.Channel, n.Decision!.Reason));
        Assert.Empty(App.WhatsAppTo("+6281277770002"));
        var sms = Assert.Single(App.Sms().Received("+6281277770002"));
        Assert.Contains("503/0186/IUM/2026", sms.Text);
        var token = System.Text.RegularExpressions.Regex.Match(sms.Text, "/opt-in/([A-Za-z0-9_-]{43})").Groups[1].Value;
        Assert.NotEmpty(token);
        var stored = await App.WithDbAsync(d => d.OptInTokens.SingleAsync());
        Assert.Equal(MessageComposer.HashToken(token), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash);
        Assert.Equal(App.Time.GetUtcNow().UtcDateTime.AddDays(14).Date, stored.ExpiresAt.Date);
    }

    [Fact]
    public async Task UnknownNumber_SecondNoticeWithinCooldown_HasNoNewOptInLink()
    {
        await App.PermitReadyAsync("081277770003");
        await App.SendAndSettleAsync();
        await App.AdvanceAsync(TimeSpan.FromDays(1));
        await App.EnqueueAsync(new { type = "status_update", phone = "081277770003", @params = new { registration_id = "REG-1", old_status = "diproses", new_status = "selesai", changed_at = "26-11-2026", detail_link = "https://perizinan.example.id/r/1" } });
        await App.SendAndSettleAsync();

        var texts = App.Sms().Received("+6281277770003").Select(s => s.Text).ToList();
        Assert.Equal(2, texts.Count);
        Assert.Contains("/opt-in/", texts[0]);
        Assert.DoesNotContain("/opt-in/", texts[1]);
        Assert.Equal(1, await App.WithDbAsync(d => d.OptInTokens.CountAsync()));
    }

    [Fact]
    public async Task NotOnWhatsApp_FailsWith131026_MarksTheContactAndFallsBackToSms()
    {
        var contactId = await App.CreateContactAsync("081299990000", optedIn: true);
        var id = await App.PermitReadyAsync("081299990000");

        await App.SendAndSettleAsync();
        await App.AdvanceAsync(TimeSpan.FromSeconds(1));

        var n = await App.NotificationAsync(id);
        Assert.Equal((NotificationState.Sent, Channel.Sms, "not_on_whatsapp"), (n.State, n.Channel, n.FallbackReason));
        Assert.Equal([(Channel.WhatsApp, AttemptStatus.Failed, (int?)131026), (Channel.Sms, AttemptStatus.Accepted, null)],
            n.Attempts.Select(a => (a.Channel, a.Status, a.ErrorCode)));
        var sms = Assert.Single(App.Sms().Received("+6281299990000"));
        Assert.DoesNotContain("/opt-in/", sms.Text);
        Assert.NotNull((await App.WithDbAsync(d => d.Contacts.SingleAsync(c => c.Id == contactId))).UndeliverableAt);

        // Within the recheck period WhatsApp is not tried again for this person.
        await App.PermitReadyAsync("081299990000");
        await App.SendAndSettleAsync();
        Assert.Single(App.WhatsAppTo("+6281299990000"));
        Assert.Equal(2, App.Sms().Received("+6281299990000").Count);
    }

    [Fact]
    public async Task SameIdempotencyKey_SameBody_ReturnsTheSameNotification_OtherBodyIs409()
    {
        var first = await App.PermitReadyAsync("081277770004", key: "sicantik-0186-ready");
        var again = await App.PermitReadyAsync("0812-7777-0004", key: "sicantik-0186-ready");
        Assert.Equal(first, again);

        using var api = App.Api();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
        {
            Content = JsonContent.Create(new { type = "permit_ready", phone = "081277770005", @params = Pipeline.PermitReadyParams }),
        };
        request.Headers.Add("Idempotency-Key", "sicantik-0186-ready");
        using var response = await api.SendAsync(request);
        await Http.AssertStatusAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("sicantik-0186-ready", await response.Content.ReadAsStringAsync());

        await App.SendAndSettleAsync();
        Assert.Equal(1, await App.WithDbAsync(d => d.Notifications.CountAsync()));
        Assert.Single(App.Sms().Received("+6281277770004"));
    }

    [Fact]
    public async Task ParameterMismatch_Is422NamingTheMissingAndTheExtraParameter_AndNothingIsQueued()
    {
        using var api = App.Api();
        using var response = await api.PostAsJsonAsync("/api/notifications", new
        {
            type = "permit_ready",
            phone = "081277770006",
            @params = new { partner_name = "Siti", permit_type = "IUM", permit_number = "1", issue_date = "25-11-2026", download = "x" },
        });
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("errors");
        Assert.Contains("download_link", errors.GetProperty("params.download_link")[0].GetString());
        Assert.Contains("Not a parameter of permit_ready", errors.GetProperty("params.download")[0].GetString());
        Assert.Equal(0, await App.WithDbAsync(d => d.Notifications.CountAsync()));
        Assert.Equal(0, await App.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task StopArrivingAfterQueueingButBeforeTheClaim_Wins_EssentialNoticeGoesBySmsWithoutLink()
    {
        await App.CreateContactAsync("081277770007", optedIn: true);
        var id = await App.PermitReadyAsync("081277770007");
        await App.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281277770007", "wamid.STOP-1", App.Time.GetUtcNow(), "STOP"))));

        await App.SendAndSettleAsync();

        var n = await App.NotificationAsync(id);
        Assert.Equal((Channel.Sms, DecisionReason.OptedOut), (n.Channel, n.Decision!.Reason));
        // The only WhatsApp message is the STOP confirmation, as in-window text.
        var wa = Assert.Single(App.WhatsAppTo("+6281277770007"));
        Assert.Equal("text", wa.Type);
        Assert.Contains("SMS", wa.Text);
        Assert.DoesNotContain("/opt-in/", Assert.Single(App.Sms().Received("+6281277770007")).Text);
    }

    [Fact]
    public async Task Statuses_MoveForwardOnly_ALateSentNeverOverwritesRead_AndEachIsAppliedOnce()
    {
        await App.CreateContactAsync("081277770008", optedIn: true);
        var id = await App.PermitReadyAsync("081277770008");
        await App.DispatchAsync();
        var attempt = Assert.Single((await App.NotificationAsync(id)).Attempts);
        var wamid = attempt.ProviderMessageId!;
        var at = App.Time.GetUtcNow();

        var read = Meta.Envelope(Meta.Statuses(Meta.Status(wamid, "read", at.AddSeconds(2), "6281277770008", attempt.Id.ToString())));
        var sent = Meta.Envelope(Meta.Statuses(Meta.Status(wamid, "sent", at.AddSeconds(1), "6281277770008", attempt.Id.ToString())));
        await App.PostWebhookOkAsync(read);
        await App.PostWebhookOkAsync(sent);
        await App.PostWebhookOkAsync(read);

        var n = await App.NotificationAsync(id);
        Assert.Equal(NotificationState.Read, n.State);
        var a = Assert.Single(n.Attempts);
        Assert.Equal(AttemptStatus.Read, a.Status);
        Assert.Equal(1, a.History.Count(h => h.Status == AttemptStatus.Read));
    }

    [Fact]
    public async Task EssentialNotDeliveredInTime_FallsBack_AndALateWhatsAppDeliveryIsOnlyRecorded()
    {
        await App.CreateContactAsync("081277770009", optedIn: true);
        var id = await App.PermitReadyAsync("081277770009");
        await App.DispatchAsync(); // accepted; the simulator's statuses are not let through yet
        var wa = Assert.Single((await App.NotificationAsync(id)).Attempts);
        App.Simulator().Reset(); // the statuses are lost

        await App.AdvanceAsync(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));

        var n = await App.NotificationAsync(id);
        Assert.Equal((Channel.Sms, "not_delivered_in_time"), (n.Channel, n.FallbackReason));
        Assert.Single(App.Sms().Received("+6281277770009"));

        await App.PostWebhookOkAsync(Meta.Envelope(Meta.Statuses(
            Meta.Status(wa.ProviderMessageId!, "delivered", App.Time.GetUtcNow(), "6281277770009", wa.Id.ToString()))));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));

        n = await App.NotificationAsync(id);
        Assert.Equal(Channel.Sms, n.Channel);
        Assert.Equal(AttemptStatus.Delivered, n.Attempts.Single(a => a.Channel == Channel.WhatsApp).Status);
        Assert.Single(App.Sms().Received("+6281277770009"));
        Assert.Single(n.Attempts, a => a.Channel == Channel.WhatsApp);
        Assert.Empty(App.WhatsAppTo("+6281277770009")); // nothing new reached the simulator since its reset
    }

    [Fact]
    public async Task GetUnknownNotification_Is404Problem()
    {
        using var api = App.Api();
        using var response = await api.GetAsync($"/api/notifications/{Guid.NewGuid()}");
        await Http.AssertStatusAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_FiltersByContactAndPagesNewestFirst()
    {
        var contactId = await App.CreateContactAsync("081277770010", optedIn: true);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await App.PermitReadyAsync("081277770010"));
            App.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await App.PermitReadyAsync("081277770011");
        using var api = App.Api();
        var page1 = await api.GetFromJsonAsync<NotificationPage>($"/api/notifications?contactId={contactId}&limit=2", KabarApp.Json);
        var page2 = await api.GetFromJsonAsync<NotificationPage>($"/api/notifications?contactId={contactId}&limit=2&after={page1!.Next}", KabarApp.Json);

        Assert.Equal([ids[2], ids[1]], page1.Items.Select(n => n.Id));
        Assert.Equal([ids[0]], page2!.Items.Select(n => n.Id));
        Assert.Null(page2.Next);
    }

    [Fact]
    public async Task List_FiltersByTime_FromIncludedToExcluded()
    {
        var contactId = await App.CreateContactAsync("081277770020", optedIn: true);
        var ids = new List<Guid>();
        var times = new List<DateTime>();
        for (var i = 0; i < 3; i++)
        {
            times.Add(App.Time.GetUtcNow().UtcDateTime);
            ids.Add(await App.PermitReadyAsync("081277770020"));
            App.Time.Advance(TimeSpan.FromMinutes(1));
        }

        using var api = App.Api();
        static string At(DateTime t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var middle = await api.GetFromJsonAsync<NotificationPage>(
            $"/api/notifications?contactId={contactId}&from={At(times[1])}&to={At(times[2])}", KabarApp.Json);
        var fromSecond = await api.GetFromJsonAsync<NotificationPage>($"/api/notifications?contactId={contactId}&from={At(times[1])}", KabarApp.Json);
        var beforeSecond = await api.GetFromJsonAsync<NotificationPage>($"/api/notifications?contactId={contactId}&to={At(times[1])}", KabarApp.Json);

        Assert.Equal([ids[1]], middle!.Items.Select(n => n.Id));
        Assert.Equal([ids[2], ids[1]], fromSecond!.Items.Select(n => n.Id));
        Assert.Equal([ids[0]], beforeSecond!.Items.Select(n => n.Id));
    }
}

public sealed class NotificationPipelineTests_Sqlite(PostgresServer postgres) : NotificationPipelineTests(Db.Sqlite, postgres);

public sealed class NotificationPipelineTests_Postgres(PostgresServer postgres) : NotificationPipelineTests(Db.Postgres, postgres);
