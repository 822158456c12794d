using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Kabar.Tests.Web.CitizenPages;

namespace Kabar.Tests.Web;

/// <summary>
/// The citizen pages over plain HTTP: antiforgery, throttling, no enumeration, no change on GET,
/// single use under concurrency, and the security headers.
/// </summary>
public sealed partial class CitizenPagesHttpTests(PostgresServer postgres)
{
    [GeneratedRegex("REG-[0-9]{8}-[A-Z0-9]{6}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"(\+|&#x2B;)62812\*{4}[0-9]{4}")]
    private static partial Regex MaskedPhone();

    [GeneratedRegex("/status/[A-Za-z0-9_-]{43}")]
    private static partial Regex StatusPath();

    private static async Task<string> TokenAsync(HttpClient client, string path)
    {
        return Forms.AntiforgeryToken(await client.GetStringAsync(path));
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields,
        bool antiforgery = true, string? tokenFrom = null)
    {
        var body = new Dictionary<string, string>(fields);
        if (antiforgery)
        {
            body["__RequestVerificationToken"] = await TokenAsync(client, tokenFrom ?? path);
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(body));
    }

    private static Dictionary<string, string> Form(string phone, bool tick, string permitType = PermitType, string name = "Siti Aminah")
    {
        var form = new Dictionary<string, string> { ["Input.Name"] = name, ["Input.Phone"] = phone, ["Input.PermitType"] = permitType };
        if (tick)
        {
            form["Input.WhatsAppConsent"] = "true";
        }

        return form;
    }

    [Fact]
    public async Task Register_WithoutTheAntiforgeryToken_IsRefused_AndRecordsNothing()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        using var response = await PostFormAsync(client, "/daftar", Form("081230000101", tick: true), antiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_AnswersTheSame_WhetherOrNotTheNumberWasKnown(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        await app.CreateContactAsync("+6281230000202", optedIn: true, email: "known@example.id");
        using var client = app.CreateClient();

        async Task<(HttpStatusCode, string)> Answer(string phone)
        {
            using var response = await PostFormAsync(client, "/daftar", Form(phone, tick: false));
            var html = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, StatusPath().Replace(MaskedPhone().Replace(Reference().Replace(html, "REF"), "PHONE"), "STATUS"));
        }

        var unknown = await Answer("081230000201");
        var known = await Answer("081230000202");
        Assert.Equal(HttpStatusCode.OK, unknown.Item1);
        Assert.Equal(unknown, known);
        Assert.Equal(2, await app.WithDbAsync(d => d.Registrations.CountAsync()));

        // The known contact's name and address are not overwritten by an unauthenticated form.
        var contact = await ContactAsync(app, "+6281230000202");
        Assert.Equal("Warga", contact.Name);
        Assert.Equal("known@example.id", contact.Email);
    }

    [Fact]
    public async Task Register_ManyTimesForOneNumber_RecordsEach_ButSendsOnlyTheDailyAcknowledgements()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        var types = Kabar.Web.CitizenOptions.DefaultPermitTypes;
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostFormAsync(client, "/daftar", Form("081230000301", tick: false, types[i]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, await app.WithDbAsync(db => db.Registrations.CountAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.Notifications.CountAsync()));
        await app.DispatchAsync();
        Assert.Equal(3, app.Sms().Received("+6281230000301").Count);

        // A day later the number may be acknowledged again.
        app.Time.Advance(TimeSpan.FromHours(25));
        using (var again = await PostFormAsync(client, "/daftar", Form("081230000301", tick: false, types[5])))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(4, await app.WithDbAsync(db => db.Notifications.CountAsync()));
    }

    [Fact]
    public async Task Register_TheSameSubmissionTwice_KeepsOneRegistration()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        using var first = await PostFormAsync(client, "/daftar", Form("081230000401", tick: true));
        using var second = await PostFormAsync(client, "/daftar", Form("081230000401", tick: true));
        var a = Reference().Match(await first.Content.ReadAsStringAsync()).Value;
        var b = Reference().Match(await second.Content.ReadAsStringAsync()).Value;
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
        Assert.Equal(1, await app.WithDbAsync(db => db.Registrations.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.ConsentEvents.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync()));
    }

    [Fact]
    public async Task FormPosts_AreLimitedPerAddress()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Citizens:FormPostsPerIp"] = "2" });
        using var client = app.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var ok = await PostFormAsync(client, "/daftar", Form($"08123000050{i}", tick: false));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await PostFormAsync(client, "/daftar", Form("081230000509", tick: false));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Contains("Terlalu banyak percobaan", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.Registrations.CountAsync()));

        // Reading the form is not limited.
        using var form = await client.GetAsync("/daftar");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }

    [Fact]
    public async Task LinkPages_AreLimitedPerAddress()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Citizens:LinkRequestsPerIp"] = "3" });
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var page = await client.GetAsync("/opt-in/" + new string('B', 43));
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }

        using var refused = await client.GetAsync("/opt-out/" + new string('B', 43));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task PublicPages_ChangeNoRow_OnGet(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        const string phone = "+6281230000601";
        var optIn = await SmsWithOptInLinkAsync(app, phone);
        var optOut = OnlyLink(OptOutLink(), LastSms(app, phone));
        app.Time.Advance(TimeSpan.FromSeconds(5));

        Task<string> Snapshot() => app.WithDbAsync(async d => string.Join(',',
            await d.Contacts.CountAsync(), await d.Contacts.MaxAsync(c => c.UpdatedAt), await d.ConsentEvents.CountAsync(),
            await d.OptInTokens.CountAsync(t => t.UsedAt != null), await d.Notifications.CountAsync(),
            await d.Notifications.MaxAsync(n => n.UpdatedAt), await d.Registrations.CountAsync(), await d.DeliveryAttempts.CountAsync()));

        var before = await Snapshot();
        using var client = app.CreateClient();
        foreach (var path in new[] { PathOf(optIn), PathOf(optOut), "/daftar", "/daftar?lang=en", PathOf(optIn) + "?lang=en" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before, await Snapshot());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task OptInLink_ConfirmedTwiceAtOnce_GrantsOnce(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        const string phone = "+6281230000701";
        var path = PathOf(await SmsWithOptInLinkAsync(app, phone));
        var clients = Enumerable.Range(0, 4).Select(_ => app.CreateClient()).ToList();
        var tokens = await Task.WhenAll(clients.Select(c => TokenAsync(c, path)));
        var responses = await Task.WhenAll(clients.Select((c, i) =>
            c.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = tokens[i] }))));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies, b => b.Contains("Terima kasih, Anda sudah setuju", StringComparison.Ordinal));
        Assert.Equal(3, bodies.Count(b => b.Contains("Tautan ini sudah dipakai", StringComparison.Ordinal)));
        var contact = await ContactAsync(app, phone);
        Assert.Single(await EventsAsync(app, contact.Id));
        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task Pages_CarryTheSecurityHeaders()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        foreach (var path in new[] { "/daftar", "/opt-in/" + new string('C', 43), "/opt-out/" + new string('C', 43) })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(Kabar.Web.WebExtensions.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.True(response.Headers.CacheControl?.NoStore, path);
        }
    }

    [Fact]
    public void LinkTokens_OnlyTheOneSpellingOfTheBytesIsTaken()
    {
        // 32 bytes take 43 characters, the last carrying two bits the decoder would ignore:
        // a link altered there must not pass as the original.
        var token = Kabar.OptIn.Base64Url.Encode(new byte[32]);
        Assert.True(Kabar.OptIn.Base64Url.TryDecode(token, out var bytes) && bytes.Length == 32);
        Assert.False(Kabar.OptIn.Base64Url.TryDecode(token[..^1] + "B", out _));
    }

    [Fact]
    public async Task StopLink_WithAnAlteredTag_IsUnknown()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        const string phone = "+6281230000901";
        await SmsWithOptInLinkAsync(app, phone);
        var path = PathOf(OnlyLink(OptOutLink(), LastSms(app, phone)));
        var altered = path[..^1] + (path[^1] == 'A' ? 'B' : 'A');
        using var client = app.CreateClient();
        using var response = await PostFormAsync(client, altered, [], tokenFrom: "/daftar");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Kabar.Consent.ConsentState.Unknown, (await ContactAsync(app, phone)).WhatsAppConsent);
        Assert.Equal(NotificationState.Sent, (await app.WithDbAsync(db => db.Notifications.AsNoTracking().FirstAsync())).State);
    }

    [Fact]
    public async Task Register_ForAKnownNumber_ChangesNotTheirEmail_NorUndoesTheirStop()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var id = await app.CreateContactAsync("+6281230001001", optedIn: true, email: "warga@example.id");
        using (var api = app.Api())
        {
            using var stop = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { scope = "whatsapp", granted = false, source = "api" });
            Assert.True(stop.IsSuccessStatusCode);
        }

        using var client = app.CreateClient();
        var form = Form("081230001001", tick: true, name: "Orang Lain");
        form["Input.Email"] = "attacker@example.com";
        using var response = await PostFormAsync(client, "/daftar", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Kirim MULAI ke kami di WhatsApp", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var contact = await ContactAsync(app, "+6281230001001");
        Assert.Equal("warga@example.id", contact.Email);
        Assert.Equal("Warga", contact.Name);
        Assert.Equal(Kabar.Consent.ConsentState.Withdrawn, contact.WhatsAppConsent);
        var registration = await app.WithDbAsync(db => db.Registrations.AsNoTracking().SingleAsync());
        Assert.Equal(("Orang Lain", "attacker@example.com", true, (Guid?)null),
            (registration.Name, registration.Email, registration.WhatsAppConsent, registration.ConsentEventId));
    }
}
