using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;

namespace Kabar.Tests.Reliability;

/// <summary>
/// The webhook endpoint, the public form and the API fed generated and mutated bodies
/// (<see cref="Fuzz"/>): every answer is a 2xx or a 4xx, no request ends in an unhandled
/// exception, and Kabar still answers <c>/healthz</c> and valid requests afterwards.
/// </summary>
public sealed class FuzzTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
    {
        // The form's per-IP limit would answer 429 after twenty posts; the fuzzing wants the form itself.
        ["Kabar:Citizens:FormPostsPerIp"] = "100000",
        ["Kabar:Citizens:LinkRequestsPerIp"] = "100000",
    });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static readonly DateTimeOffset At = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);

    /// <summary>One body of each kind Meta posts.</summary>
    private static JsonNode[] WebhookBodies() =>
    [
        JsonNode.Parse(Meta.Envelope(Meta.Statuses(
            Meta.Status("wamid.FUZZ1", "delivered", At, "6281277001001"),
            Meta.Status("wamid.FUZZ2", "failed", At, "6281277001002", errorCode: 131026))))!,
        JsonNode.Parse(Meta.Envelope(Meta.Messages(
            Meta.Text("6281277001003", "wamid.FUZZ3", At, "STOP"),
            Meta.Button("6281277001004", "wamid.FUZZ4", At, "Ya", "MULAI"))))!,
        JsonNode.Parse(Meta.Envelope(Meta.UserPreference("6281277001005", "stop", At)))!,
        JsonNode.Parse(Meta.Envelope(Meta.Change("message_template_status_update", new JsonObject
        {
            ["event"] = "PAUSED",
            ["message_template_id"] = 1234567890,
            ["message_template_name"] = "permit_ready",
            ["message_template_language"] = "id",
            ["reason"] = "NONE",
        })))!,
    ];

    [Fact]
    public async Task Webhooks_SignedMutationsAndJunk_AreAnswered200Or4xx_AndKabarKeepsWorking()
    {
        var cases = Fuzz.Cases(60);
        var answered = new Dictionary<HttpStatusCode, int>();
        foreach (var valid in WebhookBodies())
        {
            foreach (var body in Fuzz.Sample(Fuzz.Bodies(valid), cases))
            {
                var text = body?.ToJsonString() ?? "null";
                using var response = await app.PostWebhookAsync(text);
                Count(answered, response.StatusCode);
                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for the signed body {Cut(text)}: {LastError()}");
            }
        }

        // Bytes that are no JSON, signed and unsigned; a signature of the wrong form.
        foreach (var junk in Fuzz.Sample(Fuzz.Strings, cases))
        {
            using var signed = await app.PostWebhookAsync(junk);
            // A signed JSON scalar ("null", "0") is no update and is acknowledged; anything else is no JSON.
            Assert.Equal(IsJson(junk) ? HttpStatusCode.OK : HttpStatusCode.BadRequest, signed.StatusCode);
            using var unsigned = await app.PostWebhookAsync(junk, signature: "sha256=" + Convert.ToHexStringLower(new byte[32]));
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            using var odd = await app.PostWebhookAsync(junk, signature: junk);
            Assert.Equal(HttpStatusCode.Unauthorized, odd.StatusCode);
        }

        Assert.True(answered.ContainsKey(HttpStatusCode.OK), "no mutated body was accepted: the bodies never reached the processor");
        await AssertStillWorkingAsync();
    }

    /// <summary>Up to the endpoint's limit a body is read and judged; beyond it, refused with 413 before any work.</summary>
    [Fact]
    public async Task Webhooks_LargeBodies_AreReadUpTo4MB_AndRefusedBeyond()
    {
        var statuses = Enumerable.Range(0, 32_000)
            .Select(i => Meta.Status($"wamid.BIG{i:D6}", "delivered", At, "6281277009999")).ToArray();
        var big = Meta.Envelope(Meta.Statuses(statuses));
        Assert.InRange(Encoding.UTF8.GetByteCount(big), 3_000_000, WebhookApi.MaxBodyBytes);
        using (var response = await app.PostWebhookAsync(big))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var tooBig = big + new string(' ', WebhookApi.MaxBodyBytes);
        using (var refused = await app.PostWebhookAsync(tooBig))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        }

        await AssertStillWorkingAsync();
    }

    /// <summary>The valid bodies of the API's writing endpoints (SPEC §13).</summary>
    internal static (string Method, string Path, JsonNode Body)[] ApiBodies() =>
    [
        ("POST", "/api/contacts", JsonNode.Parse("""
            { "phone": "0812-7700-2001", "name": "Siti", "email": "siti@example.id", "language": "id",
              "consent": { "scope": "whatsapp", "granted": true, "source": "registration_form", "textVersion": "daftar-v1" } }
            """)!),
        ("POST", "/api/notifications", JsonNode.Parse("""
            { "type": "permit_ready", "phone": "0812-7700-2002",
              "params": { "name": "Siti", "permit_type": "Izin Usaha", "permit_number": "503/1", "issued_on": "2026-11-25", "download_url": "https://perizinan.example.id/1" } }
            """)!),
        ("POST", "/api/permits", JsonNode.Parse("""
            { "externalRef": "FUZZ-1", "permitNumber": "503/1", "permitType": "Izin Usaha", "status": "issued",
              "holder": { "phone": "0812-7700-2003", "name": "Budi" }, "issuedOn": "2026-11-25", "expiresOn": "2027-11-25",
              "links": { "download": "https://perizinan.example.id/1" } }
            """)!),
        ("POST", "/api/decisions", JsonNode.Parse("""{ "phone": "0812-7700-2004", "message": { "kind": "template", "category": "utility" } }""")!),
        ("POST", "/api/decisions/bulk", JsonNode.Parse("""{ "phones": ["0812-7700-2005", "0812-7700-2006"], "message": { "kind": "text" } }""")!),
        ("POST", "/api/campaigns", JsonNode.Parse("""
            { "name": "Ajak", "segment": { "permitType": null, "registeredFrom": "2026-01-01", "registeredTo": null }, "channel": "sms",
              "dailyCap": 100, "sendingHours": { "from": "09:00", "until": "15:00" } }
            """)!),
        ("POST", "/api/experiments", JsonNode.Parse("""
            { "name": "Teks", "attributionWindowDays": 14, "variants": [
              { "key": "a", "weight": 1, "sms": { "id": "{office_name}: {link}", "en": "{office_name}: {link}" } },
              { "key": "b", "weight": 1, "sms": { "id": "Dari {office_name} {link}", "en": "From {office_name} {link}" } } ] }
            """)!),
        ("PATCH", "/api/contacts/{contact}", JsonNode.Parse("""{ "name": "Siti A.", "email": "siti.a@example.id", "language": "en" }""")!),
    ];

    [Fact]
    public async Task Api_MutatedAndJunkBodies_Get2xxOr4xx_NeverA5xx()
    {
        using var api = app.Api();
        var contact = await app.CreateContactAsync("+6281277002000", optedIn: false);
        var cases = Fuzz.Cases(40);
        foreach (var (method, template, valid) in ApiBodies())
        {
            var path = template.Replace("{contact}", contact.ToString(), StringComparison.Ordinal);
            var i = 0;
            foreach (var body in Fuzz.Sample(Fuzz.Bodies(valid), cases))
            {
                var text = body?.ToJsonString() ?? "null";
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = new StringContent(text, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", $"fuzz-{i++}");
                using var response = await api.SendAsync(request);
                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {method} {path} {Cut(text)}: {LastError()}");
            }

            // Not JSON at all, and JSON of the wrong media type.
            foreach (var junk in Fuzz.Sample(Fuzz.Strings, 5))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(junk, Encoding.UTF8, "application/json") };
                using var response = await api.SendAsync(request);
                Assert.True(IsJson(junk) ? (int)response.StatusCode < 500 : (int)response.StatusCode is >= 400 and < 500,
                    $"{(int)response.StatusCode} for {method} {path} {Cut(junk)}");
            }
        }

        await AssertStillWorkingAsync();
    }

    /// <summary>Found by the fuzzing above: a null among the variants was a 500.</summary>
    [Fact]
    public async Task Experiment_WithANullVariant_IsRefusedNamingIt()
    {
        using var api = app.Api();
        using var response = await api.PostAsync("/api/experiments", new StringContent("""
            { "name": "Teks", "variants": [ null, { "key": "b", "weight": 1 } ] }
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await KabarApp.ReadAsync<System.Text.Json.JsonElement>(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("variants[0]", out _), errors.GetRawText());
    }

    [Fact]
    public async Task RegistrationForm_GeneratedFields_AreAnsweredWithThePageOrARedirect_NeverA5xx()
    {
        using var client = app.CreateClient();
        var fields = new[] { "Input.Name", "Input.Phone", "Input.Email", "Input.PermitType", "Input.WhatsAppConsent", "lang" };
        var forms = Fuzz.Sample(FsCheck.Fluent.Gen.ArrayOf(Fuzz.Strings, fields.Length), Fuzz.Cases(60));
        foreach (var values in forms)
        {
            var body = new Dictionary<string, string>();
            for (var f = 0; f < fields.Length; f++)
            {
                // Lone surrogates cannot be form-encoded by any client; everything else goes as generated.
                var value = new string(values[f].Where(c => !char.IsSurrogate(c)).ToArray());
                body[fields[f]] = value.Length > 5_000 ? value[..5_000] : value;
            }

            body["__RequestVerificationToken"] = Forms.AntiforgeryToken(await client.GetStringAsync("/daftar"));
            using var response = await client.PostAsync("/daftar", new FormUrlEncodedContent(body));
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for the form {string.Join(" | ", body.Select(kv => kv.Key + "=" + Cut(kv.Value)))}: {LastError()}");
        }

        await AssertStillWorkingAsync();
    }

    private async Task AssertStillWorkingAsync()
    {
        using var client = app.CreateClient();
        using (var health = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // A valid request after the noise still does its work.
        using var ok = await app.PostWebhookAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281277009001", $"wamid.AFTER{Guid.NewGuid():N}", At, "Halo"))));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var unhandled = app.Logs.Lines.Where(l => l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, string.Join("\n", unhandled.Take(3).Select(Cut)));
    }

    private string LastError() => Cut(app.Logs.Lines.LastOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? "(nothing logged)");

    private static bool IsJson(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
        {
            return false;
        }
    }

    private static void Count(Dictionary<HttpStatusCode, int> answered, HttpStatusCode code) =>
        answered[code] = answered.GetValueOrDefault(code) + 1;

    private static string Cut(string s) => s.Length > 600 ? s[..600] + $"… ({s.Length.ToString(CultureInfo.InvariantCulture)} characters)" : s;
}
