using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Contacts;

/// <summary>SPEC §13 contact and consent endpoints, on SQLite and on PostgreSQL.</summary>
public abstract class ContactsApiTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;
    private HttpClient api = null!;

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(db, postgres);
        api = app.Api();
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await app.DisposeAsync();
    }

    private static object SpecExample(string phone = "0812-3456-7890") => new
    {
        phone,
        name = "Siti Aminah",
        email = "siti@example.id",
        language = "id",
        consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1", ip = "203.0.113.7", userAgent = "Mozilla/5.0 (Linux; Android 14)" },
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        await Http.AssertStatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    [Fact]
    public async Task Create_SpecExample_Is201WithNormalisedPhoneAndConsent()
    {
        using var response = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        await Http.AssertStatusAsync(response, HttpStatusCode.Created);
        var body = await KabarApp.ReadAsync<JsonElement>(response);

        Assert.Equal("+6281234567890", body.GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("waId").ValueKind);
        Assert.Equal("granted", body.GetProperty("consent").GetProperty("whatsapp").GetString());
        Assert.Equal("unknown", body.GetProperty("consent").GetProperty("whatsappMarketing").GetString());
        Assert.False(body.GetProperty("windowOpen").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("lastInboundAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("windowExpiresAt").ValueKind);
        Assert.Equal($"/api/contacts/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Create_RecordsEvidence_TextByVersionAndHash_IpAndUserAgent()
    {
        using var response = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(response)).Id;

        var ledger = await api.GetFromJsonAsync<ConsentLedgerResponse>($"/api/contacts/{id}/consent", KabarApp.Json);
        var e = Assert.Single(ledger!.Events);
        var text = await app.WithDbAsync(d => d.ConsentTexts.SingleAsync(t => t.Version == "daftar-v1"));
        Assert.Equal((ConsentSource.RegistrationForm, ConsentAction.Granted, "daftar-v1"), (e.Source, e.Action, e.TextVersion));
        Assert.Equal(ConsentChain.Sha256Hex(text.Text), e.TextHash);
        Assert.Contains("DPMPTSP Kabupaten Karo", text.Text);
        Assert.Equal(("203.0.113.7", "Mozilla/5.0 (Linux; Android 14)"), (e.Ip, e.UserAgent));
        Assert.Null(e.PrevHash);
        Assert.Equal(ledger.Head, e.Hash);
    }

    [Fact]
    public async Task SamePhoneInAnotherForm_Is200ForTheSameContact_AndUpdatesProfile()
    {
        using var first = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(first)).Id;

        using var second = await api.PostAsJsonAsync("/api/contacts", new { phone = "+62 812 3456 7890", name = "Siti Aminah Br Sembiring", language = "en" });
        await Http.AssertStatusAsync(second, HttpStatusCode.OK);
        var updated = await KabarApp.ReadAsync<ContactResponse>(second);
        Assert.Equal(id, updated.Id);
        Assert.Equal(("Siti Aminah Br Sembiring", "siti@example.id", "en"), (updated.Name, updated.Email, updated.Language));
        Assert.Equal(ConsentState.Granted, updated.Consent.WhatsApp);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("0812")]
    [InlineData("bukan nomor")]
    [InlineData("")]
    public async Task UnusablePhone_Is422NamingTheFieldWithAnAcceptedForm(string phone)
    {
        using var response = await api.PostAsJsonAsync("/api/contacts", new { phone, name = "X" });
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var message = problem.GetProperty("errors").GetProperty("phone")[0].GetString();
        Assert.Contains("0812-3456-7890", message);
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task SeveralBadFields_AreEachNamed_AndNothingIsWritten()
    {
        using var response = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone = "081234567890",
            email = "siti at example",
            language = "fr",
            consent = new { scope = "sms", granted = (bool?)null, source = "inbound_keyword", ip = "not-an-ip" },
        });
        var errors = (await ProblemAsync(response, HttpStatusCode.UnprocessableEntity)).GetProperty("errors");
        foreach (var field in new[] { "email", "language", "consent.scope", "consent.granted", "consent.source", "consent.ip" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        Assert.Contains("'whatsapp'", errors.GetProperty("consent.scope")[0].GetString());
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task UnknownTextVersion_Is422_UntilItsWordsAreSent()
    {
        var consent = new { granted = true, source = "registration_form", textVersion = "kertas-2024" };
        using var refused = await api.PostAsJsonAsync("/api/contacts", new { phone = "081234567890", consent });
        var problem = await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("consent.textVersion", out _));
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        using var accepted = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone = "081234567890",
            consent = new { granted = true, source = "registration_form", textVersion = "kertas-2024", text = "Saya setuju dihubungi lewat WhatsApp oleh DPMPTSP." },
        });
        await Http.AssertStatusAsync(accepted, HttpStatusCode.Created);

        using var conflicting = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone = "081299990000",
            consent = new { granted = true, source = "registration_form", textVersion = "kertas-2024", text = "Teks lain." },
        });
        await ProblemAsync(conflicting, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task RepeatingTheSameConsent_AddsNoEvent_ButANewTextVersionDoes()
    {
        using var a = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(a)).Id;
        using var b = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        Assert.Single((await api.GetFromJsonAsync<ConsentLedgerResponse>($"/api/contacts/{id}/consent", KabarApp.Json))!.Events);

        using var c = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone = "081234567890",
            consent = new { granted = true, source = "registration_form", textVersion = "daftar-v1-en" },
        });
        Assert.Equal(2, (await api.GetFromJsonAsync<ConsentLedgerResponse>($"/api/contacts/{id}/consent", KabarApp.Json))!.Events.Count);
    }

    [Fact]
    public async Task ConsentEndpoint_WithdrawAndGrant_ChainsEvents()
    {
        using var created = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(created)).Id;

        using var withdrawn = await api.PostAsJsonAsync($"/api/contacts/{id}/consent",
            new { scope = "whatsapp", granted = false, source = "admin", @operator = "petugas@karokab.go.id", note = "Permintaan lewat telepon" });
        await Http.AssertStatusAsync(withdrawn, HttpStatusCode.Created);
        var change = await KabarApp.ReadAsync<ConsentChangeResponse>(withdrawn);
        Assert.Equal(ConsentState.Withdrawn, change.Contact.Consent.WhatsApp);
        Assert.Equal("petugas@karokab.go.id", change.Event!.Operator);

        using var marketing = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { scope = "whatsapp_marketing", granted = true });
        await Http.AssertStatusAsync(marketing, HttpStatusCode.Created);

        var ledger = (await api.GetFromJsonAsync<ConsentLedgerResponse>($"/api/contacts/{id}/consent", KabarApp.Json))!;
        Assert.Equal([1, 2, 3], ledger.Events.Select(e => e.Seq));
        for (var i = 1; i < ledger.Events.Count; i++)
        {
            Assert.Equal(ledger.Events[i - 1].Hash, ledger.Events[i].PrevHash);
        }

        Assert.Equal((ConsentState.Withdrawn, ConsentState.Granted), (ledger.Consent.WhatsApp, ledger.Consent.WhatsAppMarketing));
    }

    [Fact]
    public async Task AdminChange_WithoutOperator_Is422()
    {
        using var created = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(created)).Id;
        using var response = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { granted = false, source = "admin" });
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("operator", out _));
    }

    [Fact]
    public async Task GetByPhone_FindsByAnyFormOfTheNumber_404ForUnknown()
    {
        using var created = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(created)).Id;

        var found = await api.GetFromJsonAsync<ContactResponse>("/api/contacts?phone=0812-3456-7890", KabarApp.Json);
        Assert.Equal(id, found!.Id);
        using var missing = await api.GetAsync("/api/contacts?phone=081299998888");
        await ProblemAsync(missing, HttpStatusCode.NotFound);
        using var unknownId = await api.GetAsync($"/api/contacts/{Guid.NewGuid()}");
        await ProblemAsync(unknownId, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ContactState_ShowsTheWindowAfterAnInboundMessage()
    {
        using var created = await api.PostAsJsonAsync("/api/contacts", SpecExample());
        var id = (await KabarApp.ReadAsync<ContactResponse>(created)).Id;
        var at = app.Time.GetUtcNow().AddHours(-1);
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281234567890", "wamid.W1", at, "Halo"))));

        var state = (await api.GetFromJsonAsync<ContactResponse>($"/api/contacts/{id}", KabarApp.Json))!;
        Assert.True(state.WindowOpen);
        Assert.Equal(at.UtcDateTime, state.LastInboundAt);
        Assert.Equal(at.UtcDateTime.AddHours(24).AddMinutes(-5), state.WindowExpiresAt);
        Assert.Equal("6281234567890", state.WaId);
    }

    [Fact]
    public async Task MalformedJson_Is400Problem()
    {
        using var content = new StringContent("{\"phone\":", System.Text.Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("/api/contacts", content);
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }
}

public sealed class ContactsApiTests_Sqlite(PostgresServer postgres) : ContactsApiTests(Db.Sqlite, postgres);

public sealed class ContactsApiTests_Postgres(PostgresServer postgres) : ContactsApiTests(Db.Postgres, postgres);
