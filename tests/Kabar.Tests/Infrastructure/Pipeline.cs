using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Notifications;
using Kabar.Simulator;
using Kabar.WhatsApp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// Drives the notification pipeline of a <see cref="KabarApp"/> step by step: dispatch passes
/// run on the test's thread (the background worker is off in tests) and the in-process Cloud API
/// simulator's delayed status webhooks fire as the fake clock advances.
/// </summary>
public static class Pipeline
{
    public static readonly object PermitReadyParams = new
    {
        partner_name = "Siti Aminah",
        permit_type = "Izin Usaha Mikro",
        permit_number = "503/0186/IUM/2026",
        issue_date = "25-11-2026",
        download_link = "https://perizinan.example.id/izin/0186",
    };

    public static CloudApiSimulator Simulator(this KabarApp app) => app.Services.GetRequiredService<CloudApiSimulator>();

    public static SmsSimulator Sms(this KabarApp app) => app.Services.GetRequiredService<SmsSimulator>();

    public static WhatsAppNumberOptions Number(this KabarApp app) =>
        app.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.EffectiveNumbers[0];

    /// <summary>Runs dispatch passes until nothing more is due now; returns how many sends went out.</summary>
    public static async Task<int> DispatchAsync(this KabarApp app, int maxPasses = 20)
    {
        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        var sent = 0;
        for (var i = 0; i < maxPasses; i++)
        {
            await app.ApplyStatusesAsync();
            var pass = await dispatcher.RunOnceAsync(app.Number(), CancellationToken.None);
            await app.Simulator().WhenIdleAsync();
            sent += pass.Sent;
            if (pass.Claimed == 0)
            {
                break;
            }
        }

        return sent;
    }

    /// <summary>Moves the clock, lets the simulator post what became due, then dispatches.</summary>
    public static async Task<int> AdvanceAsync(this KabarApp app, TimeSpan by)
    {
        app.Time.Advance(by);
        await app.Simulator().WhenIdleAsync();
        for (var i = 0; i < 3; i++)
        {
            app.Time.Advance(TimeSpan.FromMilliseconds(100));
            await app.Simulator().WhenIdleAsync();
        }

        return await app.DispatchAsync();
    }

    /// <summary>Dispatches, then lets statuses arrive (sent, delivered) and applies them.</summary>
    public static async Task SendAndSettleAsync(this KabarApp app)
    {
        await app.DispatchAsync();
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
    }

    public static async Task<Guid> CreateContactAsync(this KabarApp app, string phone, bool optedIn, string? email = null, string language = "id")
    {
        using var api = app.Api();
        object body = optedIn
            ? new { phone, name = "Warga", email, language, consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1", ip = "203.0.113.7", userAgent = "test" } }
            : new { phone, name = "Warga", email, language };
        using var response = await api.PostAsJsonAsync("/api/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> EnqueueAsync(this KabarApp app, object body, string? key = null)
    {
        using var api = app.Api();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        using var response = await api.SendAsync(request);
        await Http.AssertStatusAsync(response, HttpStatusCode.Accepted);
        return (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("id").GetGuid();
    }

    public static Task<Guid> PermitReadyAsync(this KabarApp app, string phone, string? key = null) =>
        app.EnqueueAsync(new { type = "permit_ready", phone, @params = PermitReadyParams }, key);

    public static async Task<NotificationResponse> NotificationAsync(this KabarApp app, Guid id)
    {
        using var api = app.Api();
        using var response = await api.GetAsync($"/api/notifications/{id}");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await KabarApp.ReadAsync<NotificationResponse>(response);
    }

    public static async Task FaultAsync(this KabarApp app, string? to, int code, string mode = "sync", int times = 1, int? retryAfterSeconds = null)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/simulator/_control/faults", new { to, code, mode, times, retryAfterSeconds });
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
    }

    public static IReadOnlyList<SimMessage> WhatsAppTo(this KabarApp app, string phone) => app.Simulator().Messages(phone);
}
