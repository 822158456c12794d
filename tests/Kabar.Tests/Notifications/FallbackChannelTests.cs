using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Channels;
using Kabar.Tests.Infrastructure;
using MimeKit;

namespace Kabar.Tests.Notifications;

/// <summary>Fallback through real providers: an HTTP SMS gateway with delivery reports, SMTP, and the .eml outbox (SPEC §6, §13).</summary>
public sealed class FallbackChannelTests(PostgresServer postgres)
{
    [Fact]
    public async Task HttpGateway_GetsTheSmsWithTheAttemptAsReference_AndItsDeliveryReportIsApplied()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(202, """{"id":"gw-1"}"""));
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Sms:Provider"] = "Http",
            ["Kabar:Sms:Http:Url"] = gateway.Url + "/sms",
            ["Kabar:Sms:Http:Token"] = "gw-secret-0123456789",
        });
        var id = await app.PermitReadyAsync("081277774001");
        await app.SendAndSettleAsync();

        var request = Assert.Single(gateway.Requests);
        Assert.Equal("Bearer gw-secret-0123456789", request.Authorization);
        var body = JsonDocument.Parse(request.Body).RootElement;
        var attempt = Assert.Single((await app.NotificationAsync(id)).Attempts);
        Assert.Equal(("+6281277774001", attempt.Id.ToString()), (body.GetProperty("to").GetString(), body.GetProperty("reference").GetString()));
        Assert.Contains("/opt-in/", body.GetProperty("text").GetString());
        Assert.Equal("gw-1", attempt.ProviderMessageId);

        using var client = app.CreateClient();
        async Task<HttpStatusCode> Report(string reference, string status, string? token = "gw-secret-0123456789")
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sms/http") { Content = JsonContent.Create(new { reference, status }) };
            if (token is not null)
            {
                post.Headers.Add("Authorization", $"Bearer {token}");
            }

            using var response = await client.SendAsync(post);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Report(attempt.Id.ToString(), "failed", token: "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Report(attempt.Id.ToString(), "failed", token: null));
        Assert.Equal(HttpStatusCode.NotFound, await Report(Guid.NewGuid().ToString(), "delivered"));
        Assert.Equal(HttpStatusCode.OK, await Report(attempt.Id.ToString(), "delivered"));
        Assert.Equal(HttpStatusCode.OK, await Report(attempt.Id.ToString(), "delivered"));
        Assert.Equal(HttpStatusCode.OK, await Report(attempt.Id.ToString(), "sent")); // late: does not move back

        var n = await app.NotificationAsync(id);
        Assert.Equal((NotificationState.Delivered, Channel.Sms), (n.State, n.Channel));
        var a = Assert.Single(n.Attempts);
        Assert.Equal(AttemptStatus.Delivered, a.Status);
        Assert.Equal(1, a.History.Count(h => h.Status == AttemptStatus.Delivered));
    }

    [Fact]
    public async Task WithoutAnHttpGateway_NoDeliveryReportIsTaken_SoNoStrangerCanPushAnSmsToEmail()
    {
        // The simulator is the SMS provider: there is no gateway and no token to check reports against.
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await app.CreateContactAsync("081277774003", optedIn: false, email: "warga4@example.id");
        var id = await app.PermitReadyAsync("081277774003");
        await app.SendAndSettleAsync();
        var attempt = Assert.Single((await app.NotificationAsync(id)).Attempts);
        Assert.Equal(Channel.Sms, attempt.Channel);

        using var client = app.CreateClient();
        using var post = await client.PostAsJsonAsync("/webhooks/sms/http", new { reference = attempt.Id.ToString(), status = "failed" });
        await Http.AssertStatusAsync(post, HttpStatusCode.NotFound);
        await app.SendAndSettleAsync();

        var n = await app.NotificationAsync(id);
        Assert.Equal((NotificationState.Sent, Channel.Sms), (n.State, n.Channel));
        Assert.Equal(AttemptStatus.Accepted, Assert.Single(n.Attempts).Status);
        Assert.False(Directory.Exists(app.Outbox) && Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories).Length > 0);
    }

    [Fact]
    public async Task HttpGateway_BusyOnce_TheRetryGoesBySmsAgain_NotByEmail()
    {
        var calls = 0;
        await using var gateway = await TestHttpServer.StartAsync(context => Interlocked.Increment(ref calls) == 1
            ? TestHttpServer.Answer(503, "<html>busy</html>", "text/html")(context)
            : TestHttpServer.Answer(202, """{"id":"gw-2"}""")(context));
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Sms:Provider"] = "Http",
            ["Kabar:Sms:Http:Url"] = gateway.Url + "/sms",
            ["Kabar:Sms:Http:Token"] = "gw-secret-0123456789",
        });
        await app.CreateContactAsync("081277774002", optedIn: false, email: "warga3@example.id");
        var id = await app.PermitReadyAsync("081277774002");

        await app.SendAndSettleAsync();
        await app.AdvanceAsync(TimeSpan.FromMinutes(1)); // past the backoff

        // A busy gateway is worth another try by SMS; e-mail is for when SMS is given up.
        var n = await app.NotificationAsync(id);
        Assert.Equal((NotificationState.Sent, Channel.Sms), (n.State, n.Channel));
        Assert.Equal([AttemptStatus.Failed, AttemptStatus.Accepted], n.Attempts.OrderBy(a => a.CreatedAt).Select(a => a.Status));
        Assert.All(n.Attempts, a => Assert.Equal(Channel.Sms, a.Channel));
        Assert.Equal(2, gateway.Requests.Count);
        Assert.False(Directory.Exists(app.Outbox) && Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories).Length > 0);
    }

    [Fact]
    public async Task ForeignNumberWithEmail_GoesByEmailOverSmtp_WithTheOptInLink()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Email:Smtp:Host"] = "127.0.0.1",
            ["Kabar:Email:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kabar:Email:Smtp:UseTls"] = "false",
        });
        await app.CreateContactAsync("+1 202 555 0143", optedIn: false, email: "warga@example.id");
        var id = await app.PermitReadyAsync("+1 202 555 0143");

        await app.SendAndSettleAsync();

        var n = await app.NotificationAsync(id);
        Assert.Equal((NotificationState.Sent, Channel.Email), (n.State, n.Channel));
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("warga@example.id", mail.To.Mailboxes.Single().Address);
        Assert.Equal("Izin Anda telah terbit: 503/0186/IUM/2026", mail.Subject);
        Assert.Contains("/opt-in/", mail.TextBody);
        Assert.Equal(n.Attempts[0].Id.ToString(), mail.Headers["X-Kabar-Reference"]);
        Assert.Empty(app.Sms().Received());
    }

    [Fact]
    public async Task WithoutSmtp_EmailIsWrittenToTheOutboxAsEml()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await app.CreateContactAsync("+1 202 555 0144", optedIn: false, email: "warga2@example.id", language: "en");
        var id = await app.PermitReadyAsync("+1 202 555 0144");

        await app.SendAndSettleAsync();

        var attempt = Assert.Single((await app.NotificationAsync(id)).Attempts);
        var file = Assert.Single(Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories));
        Assert.StartsWith(attempt.Id.ToString(), Path.GetFileName(file), StringComparison.Ordinal);
        var mail = await MimeMessage.LoadAsync(file);
        Assert.Equal("Your permit has been issued: 503/0186/IUM/2026", mail.Subject);
        Assert.Contains("Would you like to receive these notices on WhatsApp?", mail.TextBody);
    }

    [Fact]
    public async Task TemplateNotApproved_IsRefusedAtTheApiAfterSync()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var api = app.Api();
        using (var put = await app.CreateClient().PutAsJsonAsync("/simulator/_control/templates/permit_ready/id", new { status = "PAUSED" }))
        {
            await Http.AssertStatusAsync(put, HttpStatusCode.OK);
        }

        using (var sync = await api.PostAsync("/api/jobs/template-sync/run", null))
        {
            await Http.AssertStatusAsync(sync, HttpStatusCode.OK);
        }

        using var response = await api.PostAsJsonAsync("/api/notifications", new { type = "permit_ready", phone = "081277774002", @params = Pipeline.PermitReadyParams });
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var type = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("errors").GetProperty("type")[0].GetString();
        Assert.Contains("PAUSED", type);

        // Other types whose templates are approved still go in.
        await app.EnqueueAsync(new { type = "status_update", phone = "081277774002", @params = new { registration_id = "R-1", old_status = "a", new_status = "b", changed_at = "c", detail_link = "d" } });
    }

    [Fact]
    public async Task TemplatePausedByMeta_IsRefusedAtTheApiWithoutAnotherSync()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var api = app.Api();
        using (var sync = await api.PostAsync("/api/jobs/template-sync/run", null))
        {
            await Http.AssertStatusAsync(sync, HttpStatusCode.OK);
        }

        await app.EnqueueAsync(new { type = "permit_ready", phone = "081277774003", @params = Pipeline.PermitReadyParams });

        // Meta pauses the template and says so by webhook (message_template_status_update).
        using (var put = await app.CreateClient().PutAsJsonAsync("/simulator/_control/templates/permit_ready/id", new { status = "PAUSED" }))
        {
            await Http.AssertStatusAsync(put, HttpStatusCode.OK);
        }

        await app.AdvanceAsync(TimeSpan.FromSeconds(1));
        using var response = await api.PostAsJsonAsync("/api/notifications", new { type = "permit_ready", phone = "081277774003", @params = Pipeline.PermitReadyParams });
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("PAUSED", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownJob_Is404NamingTheJobs()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var api = app.Api();
        using var response = await api.PostAsync("/api/jobs/nope/run", null);
        await Http.AssertStatusAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("template-sync", await response.Content.ReadAsStringAsync());
    }
}
