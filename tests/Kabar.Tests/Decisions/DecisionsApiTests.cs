using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Decisions;

/// <summary><c>POST /api/decisions</c>: the dry run of SPEC §5 with the shape of SPEC §13.</summary>
public sealed class DecisionsApiTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;
    private HttpClient api = null!;

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        api = app.Api();
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await app.DisposeAsync();
    }

    private async Task<JsonElement> DecideAsync(object request)
    {
        using var response = await api.PostAsJsonAsync("/api/decisions", request);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    [Fact]
    public async Task UnknownPhone_IsAnsweredAsNoState_AndNotCreated()
    {
        var d = await DecideAsync(new { phone = "0812-3456-7890", message = new { kind = "template", category = "utility" } });

        Assert.False(d.GetProperty("canSend").GetBoolean());
        Assert.Equal("sms", d.GetProperty("channel").GetString());
        Assert.Equal("no_consent", d.GetProperty("reason").GetString());
        Assert.Equal("unknown", d.GetProperty("optIn").GetString());
        Assert.True(d.GetProperty("includesOptInLink").GetBoolean());
        foreach (var field in new[] { "windowOpen", "windowExpiresAt", "billable", "countsAgainstMessagingLimit" })
        {
            Assert.True(d.TryGetProperty(field, out _), field);
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task PersonWhoJustWrote_GetsServiceWindow_ForFreeText()
    {
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281234567890", "wamid.D1", app.Time.GetUtcNow().AddMinutes(-30), "STOP"))));
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281234567890", "wamid.D2", app.Time.GetUtcNow().AddMinutes(-10), "kapan izin saya selesai?"))));

        var text = await DecideAsync(new { phone = "+6281234567890", message = new { kind = "text" } });
        Assert.Equal(("opted_out", "sms", false), (text.GetProperty("reason").GetString(), text.GetProperty("channel").GetString(), text.GetProperty("canSend").GetBoolean()));

        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281234567890", "wamid.D3", app.Time.GetUtcNow().AddMinutes(-1), "MULAI"))));
        var id = await app.WithDbAsync(db => db.Contacts.Select(c => c.Id).SingleAsync());
        var again = await DecideAsync(new { contactId = id, message = new { kind = "text", category = "utility" } });
        Assert.Equal(("service_window", true, false), (again.GetProperty("reason").GetString(), again.GetProperty("windowOpen").GetBoolean(), again.GetProperty("billable").GetBoolean()));
    }

    [Fact]
    public async Task UnknownContactId_Is404()
    {
        using var response = await api.PostAsJsonAsync("/api/decisions", new { contactId = Guid.NewGuid(), message = new { kind = "template" } });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MissingOrBadMessage_Is422NamingTheField()
    {
        using var missing = await api.PostAsJsonAsync("/api/decisions", new { phone = "081234567890" });
        using var bad = await api.PostAsJsonAsync("/api/decisions", new { phone = "081234567890", message = new { kind = "voice", category = "promo" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        var errors = (await KabarApp.ReadAsync<JsonElement>(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("message.kind", out _));
        Assert.True(errors.TryGetProperty("message.category", out _));
    }
}
