using System.Net;
using System.Net.Http.Json;
using Kabar.Operations;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.Operations;

/// <summary>What an operator reads at <c>/metrics</c> after real traffic (docs/operations.md).</summary>
[Collection(nameof(MeteredAlone))]
public sealed class MetricsTests(PostgresServer postgres)
{
    private static readonly string[] OptedIn = ["081277778001", "081277778002", "081277778003"];
    private static readonly string[] NotOptedIn = ["081277778101", "081277778102"];
    private const string NotOnWhatsApp = "081277778201";

    [Fact]
    public async Task Dispatch_OfWhatsAppAndSmsFallback_IsCountedByChannelAndOutcome_WithQueueLatency()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        foreach (var phone in OptedIn.Append(NotOnWhatsApp))
        {
            await app.CreateContactAsync(phone, optedIn: true);
        }

        foreach (var phone in NotOptedIn)
        {
            await app.CreateContactAsync(phone, optedIn: false);
        }

        // 131026: not on WhatsApp, so that notice goes by SMS after its WhatsApp try failed.
        await app.FaultAsync("+6281277778201", 131026);
        foreach (var phone in OptedIn.Concat(NotOptedIn).Append(NotOnWhatsApp))
        {
            await app.PermitReadyAsync(phone);
        }

        app.Time.Advance(TimeSpan.FromSeconds(30)); // the queue waits half a minute before the dispatcher gets to it
        await app.DispatchAsync();

        var m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(3, m.Sum("kabar_sends_total", ("channel", "whatsapp"), ("outcome", "accepted")));
        Assert.Equal(1, m.Sum("kabar_sends_total", ("channel", "whatsapp"), ("outcome", "failed")));
        Assert.Equal(3, m.Sum("kabar_sends_total", ("channel", "sms"), ("outcome", "accepted")));
        Assert.Equal(0, m.Sum("kabar_sends_total", ("channel", "email")));
        Assert.Equal(0, m.Sum("kabar_sends_total", ("outcome", "unknown")));

        // Decided once when written (enqueue) and again when claimed (dispatch); the fallback after
        // the WhatsApp error follows SPEC §6, not a new decision.
        foreach (var stage in new[] { "enqueue", "dispatch" })
        {
            Assert.Equal(4, m.Sum("kabar_decisions_total", ("reason", "opted_in"), ("channel", "whatsapp"), ("stage", stage)));
            Assert.Equal(2, m.Sum("kabar_decisions_total", ("reason", "no_consent"), ("channel", "sms"), ("stage", stage)));
        }

        // Accepted WhatsApp sends each waited the 30 s; the two SMS did too, the fallback SMS went at once.
        Assert.Equal(3, m.Sum("kabar_send_latency_seconds_count", ("channel", "whatsapp")));
        Assert.Equal(90, m.Sum("kabar_send_latency_seconds_sum", ("channel", "whatsapp")), 3);
        Assert.Equal(3, m.Sum("kabar_send_latency_seconds_count", ("channel", "sms")));
        Assert.Equal(60, m.Sum("kabar_send_latency_seconds_sum", ("channel", "sms")), 3);
        Assert.Equal(0, m.Sum("kabar_send_latency_seconds_bucket", ("channel", "whatsapp"), ("le", "25")));
        Assert.Equal(3, m.Sum("kabar_send_latency_seconds_bucket", ("channel", "whatsapp"), ("le", "30")));
    }

    [Fact]
    public async Task DryRunDecision_IsCountedApart_FromNotificationDecisions()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/decisions",
            new { phone = "081277778301", message = new { kind = "template", category = "utility" } });
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);

        var m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(1, m.Sum("kabar_decisions_total", ("reason", "no_consent"), ("channel", "sms"), ("stage", "dry_run")));
        Assert.Equal(1, m.Sum("kabar_decisions_total"));
    }

    [Fact]
    public async Task SignedWebhook_CountsItsEventsByKind_AndARefusedPostCountsNoEvent()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var now = app.Time.GetUtcNow();
        await app.PostWebhookOkAsync(Envelope(
            Messages(Text("6281277778401", "wamid.M1", now.AddMinutes(-2), "Halo"), Text("6281277778402", "wamid.M2", now.AddMinutes(-1), "Selamat pagi")),
            Meta.Statuses(Status("wamid.unknown", "delivered", now, "6281277778401")),
            UserPreference("6281277778401", "stop", now)));
        using (var refused = await app.PostWebhookAsync(Envelope(Messages(Text("6281277778403", "wamid.M3", now, "Halo"))), signature: "sha256=00"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(2, m.Sum("kabar_webhook_events_total", ("kind", "message"), ("outcome", "accepted")));
        Assert.Equal(1, m.Sum("kabar_webhook_events_total", ("kind", "status"), ("outcome", "accepted")));
        Assert.Equal(1, m.Sum("kabar_webhook_events_total", ("kind", "user_preferences"), ("outcome", "accepted")));
        Assert.Equal(4, m.Sum("kabar_webhook_events_total"));
        Assert.Equal(1, m.Sum("kabar_webhook_requests_total", ("outcome", "accepted")));
        Assert.Equal(1, m.Sum("kabar_webhook_requests_total", ("outcome", "bad_signature")));
    }

    [Fact]
    public async Task QueueGauges_ShowWaitingNotificationsAndTheirAge_AfterARefresh_NotAtEachScrape()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        foreach (var phone in OptedIn)
        {
            await app.CreateContactAsync(phone, optedIn: true);
            await app.PermitReadyAsync(phone);
        }

        await app.EnqueueAsync(new { type = "permit_ready", phone = OptedIn[0], @params = Pipeline.PermitReadyParams, sendAt = app.Time.GetUtcNow().AddDays(1) });
        app.Time.Advance(TimeSpan.FromMinutes(2));

        var before = await MetricsScrape.ReadAsync(app);
        Assert.Equal(0, before.Sum("kabar_queue_depth", ("state", "queued")));

        var gauges = app.Services.GetRequiredService<QueueGaugeWorker>();
        await gauges.RefreshAsync(CancellationToken.None);
        var m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(3, m.Sum("kabar_queue_depth", ("state", "queued")));
        Assert.Equal(1, m.Sum("kabar_queue_depth", ("state", "scheduled")));
        Assert.Equal(120, m.Sum("kabar_queue_oldest_age_seconds", ("state", "queued")), 3);
        Assert.Equal(0, m.Sum("kabar_queue_oldest_age_seconds", ("state", "scheduled"))); // due tomorrow: not late

        await app.DispatchAsync();
        await gauges.RefreshAsync(CancellationToken.None);
        m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(0, m.Sum("kabar_queue_depth", ("state", "queued")));
        Assert.Equal(0, m.Sum("kabar_queue_oldest_age_seconds", ("state", "queued")));
        Assert.Equal(1, m.Sum("kabar_queue_depth", ("state", "scheduled")));
    }

    [Fact]
    public async Task QueueGaugeWorker_WhenEnabled_RefreshesOnItsInterval()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:Metrics:QueueGaugesEnabled"] = "true",
            ["Kabar:Metrics:QueueRefreshInterval"] = "00:00:15",
        });
        await app.CreateContactAsync(OptedIn[0], optedIn: true);
        await app.PermitReadyAsync(OptedIn[0]);

        // The worker measured at start (an empty queue) and now sleeps on the fake clock.
        app.Time.Advance(TimeSpan.FromSeconds(15));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        MetricsScrape m;
        do
        {
            m = await MetricsScrape.ReadAsync(app);
            if (m.Sum("kabar_queue_depth", ("state", "queued")) == 1)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(1, m.Sum("kabar_queue_depth", ("state", "queued")));
    }

    [Fact]
    public async Task Metrics_AreLocalOnlyByDefault_AndRemoteWhenAllowed()
    {
        static Task<Microsoft.AspNetCore.Http.HttpContext> Scrape(KabarApp app, string from) =>
            app.Server.SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Path = "/metrics";
                c.Connection.RemoteIpAddress = IPAddress.Parse(from);
                c.Connection.LocalIpAddress = IPAddress.Parse("10.0.0.5");
            });

        await using (var app = await KabarApp.StartAsync(Db.Sqlite, postgres))
        {
            Assert.Equal(403, (await Scrape(app, "203.0.113.9")).Response.StatusCode);
            Assert.Equal(200, (await Scrape(app, "127.0.0.1")).Response.StatusCode);
            Assert.Equal(200, (await Scrape(app, "::1")).Response.StatusCode);
        }

        await using (var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Metrics:AllowRemote"] = "true" }))
        {
            Assert.Equal(200, (await Scrape(app, "203.0.113.9")).Response.StatusCode);
        }
    }

    [Fact]
    public async Task HttpServerMetrics_NameTheRoute_NotThePath()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var id = await app.CreateContactAsync(OptedIn[0], optedIn: true);
        using var api = app.Api();
        using (var response = await api.GetAsync($"/api/contacts/{id}"))
        {
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        }

        var m = await MetricsScrape.ReadAsync(app);
        Assert.Equal(1, m.Sum("http_server_request_duration_seconds_count", ("http_route", "/api/contacts/{id:guid}"), ("http_response_status_code", "200")));
        Assert.DoesNotContain(id.ToString(), m.Text, StringComparison.Ordinal);
    }
}
