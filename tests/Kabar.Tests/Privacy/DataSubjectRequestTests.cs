using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Privacy;

/// <summary>Access and rectification (UU PDP Art. 6, 7) and the register that records every request.</summary>
public sealed class DataSubjectRequestTests(PostgresServer postgres)
{
    [Fact]
    public async Task Export_HoldsEverythingKabarKeepsOnThePerson_AndIsRecorded()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var person = await PrivacySeed.SeedAsync(app);
        using var api = app.Api();

        using var response = await api.GetAsync($"/api/contacts/{person.ContactId}/export?reference=SURAT-12&receivedAt=2026-11-24T02:00:00Z");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? response.Headers.ToString());
        var export = await KabarApp.ReadAsync<JsonElement>(response);

        var profile = export.GetProperty("contact");
        Assert.Equal((person.Phone, person.Name, person.Email),
            (profile.GetProperty("phone").GetString(), profile.GetProperty("name").GetString(), profile.GetProperty("email").GetString()));

        var ledger = export.GetProperty("consentLedger").EnumerateArray().ToList();
        Assert.Contains(ledger, e => e.GetProperty("ip").GetString() == PrivacySeed.FormIp && e.GetProperty("userAgent").GetString() == PrivacySeed.FormAgent);
        Assert.Contains(ledger, e => e.GetProperty("ip").GetString() == PrivacySeed.ApiIp);
        Assert.Contains(ledger, e => e.GetProperty("source").GetString() == "inbound_keyword" && e.GetProperty("action").GetString() == "withdrawn");
        var formVersion = ledger.First(e => e.GetProperty("source").GetString() == "registration_form").GetProperty("textVersion").GetString();
        var text = Assert.Single(export.GetProperty("consentTexts").EnumerateArray(), t => t.GetProperty("version").GetString() == formVersion);
        Assert.Contains("WhatsApp", text.GetProperty("text").GetString());

        var registration = Assert.Single(export.GetProperty("registrations").EnumerateArray());
        Assert.Equal((person.Name, PrivacySeed.FormIp), (registration.GetProperty("name").GetString(), registration.GetProperty("ip").GetString()));

        var notifications = export.GetProperty("notifications").EnumerateArray().ToList();
        var attempts = notifications.SelectMany(n => n.GetProperty("attempts").EnumerateArray()).ToList();
        Assert.Equal(["email", "sms", "whatsapp"], attempts.Select(a => a.GetProperty("channel").GetString()).Distinct().Order());
        Assert.Contains(attempts, a => a.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("status").GetString() == "delivered"));
        Assert.Contains(notifications, n => n.GetProperty("params").TryGetProperty("partner_name", out var p) && p.GetString() == person.Name);
        Assert.All(notifications.Where(n => n.GetProperty("type").GetString() == "permit_ready"),
            n => Assert.Equal(JsonValueKind.String, n.GetProperty("decision").GetProperty("reason").ValueKind));

        var inbound = export.GetProperty("inboundMessages").EnumerateArray().ToList();
        Assert.Contains(inbound, m => m.GetProperty("body").GetString()!.Contains(person.Name, StringComparison.Ordinal));
        Assert.Contains(inbound, m => m.GetProperty("body").GetString() == "STOP" && m.GetProperty("effect").GetString() == "opt_out");

        var permit = Assert.Single(export.GetProperty("permits").EnumerateArray());
        Assert.Equal(("SICANTIK-2026-PDP-1", "https://perizinan.example.id/izin/0777?t=pribadi"),
            (permit.GetProperty("externalRef").GetString(), permit.GetProperty("downloadLink").GetString()));
        Assert.Equal(JsonValueKind.Array, export.GetProperty("optInLinks").ValueKind);
        Assert.Equal(JsonValueKind.Array, export.GetProperty("campaignAsks").ValueKind);

        // The export lists its own request: who asked, when the person asked, when it was answered.
        var request = Assert.Single(export.GetProperty("requests").EnumerateArray());
        Assert.Equal(("access", "api:config-0", "SURAT-12", "2026-11-24T02:00:00Z"),
            (request.GetProperty("kind").GetString(), request.GetProperty("requestedBy").GetString(), request.GetProperty("reference").GetString(),
             request.GetProperty("receivedAt").GetDateTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime, request.GetProperty("answeredAt").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Correction_ChangesNameEmailAndLanguage_RefusesAPhone_AndIsRecordedWithoutTheValues()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var id = await app.CreateContactAsync("+6281277775020", optedIn: true, email: "lama@example.id");
        using var api = app.Api();

        using var ok = await api.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "Rina Kartika", email = "Rina.Baru@Example.id", language = "en" });
        await Http.AssertStatusAsync(ok, HttpStatusCode.OK);
        var body = await KabarApp.ReadAsync<JsonElement>(ok);
        Assert.Equal(("Rina Kartika", "rina.baru@example.id", "en"),
            (body.GetProperty("contact").GetProperty("name").GetString(), body.GetProperty("contact").GetProperty("email").GetString(),
             body.GetProperty("contact").GetProperty("language").GetString()));
        Assert.Equal("corrected: name, email, language", body.GetProperty("request").GetProperty("detail").GetString());

        using var same = await api.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "Rina Kartika" });
        Assert.Equal("no_change", (await KabarApp.ReadAsync<JsonElement>(same)).GetProperty("request").GetProperty("outcome").GetString());

        using var phone = await api.PatchAsJsonAsync($"/api/contacts/{id}", new { phone = "081299990000" });
        await Http.AssertStatusAsync(phone, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("new contact", (await KabarApp.ReadAsync<JsonElement>(phone)).GetProperty("errors").GetProperty("phone")[0].GetString());

        using var email = await api.PatchAsJsonAsync($"/api/contacts/{id}", new { email = "bukan email" });
        await Http.AssertStatusAsync(email, HttpStatusCode.UnprocessableEntity);
        Assert.True((await KabarApp.ReadAsync<JsonElement>(email)).GetProperty("errors").TryGetProperty("email", out _));

        using var unknown = await api.PatchAsJsonAsync($"/api/contacts/{Guid.NewGuid()}", new { name = "X Y" });
        await Http.AssertStatusAsync(unknown, HttpStatusCode.NotFound);

        using (var erase = await api.DeleteAsync($"/api/contacts/{id}"))
        {
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        using var afterErasure = await api.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "Rina" });
        await Http.AssertStatusAsync(afterErasure, HttpStatusCode.Conflict);

        // The register: every request answered, newest first, without the corrected values.
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/data-subject-requests?contactId={id}");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["erasure", "rectification", "rectification"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.DoesNotContain("Rina", page.GetRawText(), StringComparison.Ordinal);
        var erasures = await api.GetFromJsonAsync<JsonElement>("/api/data-subject-requests?kind=erasure");
        Assert.Single(erasures.GetProperty("items").EnumerateArray());
        using var badKind = await api.GetAsync("/api/data-subject-requests?kind=forget");
        await Http.AssertStatusAsync(badKind, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ReadOnlyKey_CannotExportCorrectEraseOrReadTheRegister()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var id = await app.CreateContactAsync("+6281277775030", optedIn: false);
        using var reader = app.Api(KabarApp.ReadOnlyApiKey);
        using var export = await reader.GetAsync($"/api/contacts/{id}/export");
        using var patch = await reader.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "A B" });
        using var delete = await reader.DeleteAsync($"/api/contacts/{id}");
        using var list = await reader.GetAsync("/api/data-subject-requests");
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { export.StatusCode, patch.StatusCode, delete.StatusCode, list.StatusCode });
        Assert.Equal(0, await app.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.DataSubjectRequests)));
    }
}
