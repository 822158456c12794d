using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Bytes that are not what the request says they are: strings that are no UTF-16 or UTF-8,
/// a charset Kabar does not read, a body that stops half-way. Each is a 4xx that says what is
/// accepted, never a 500, and none is logged as an error.
/// </summary>
public sealed class ByteInputTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
    {
        ["Kabar:Citizens:FormPostsPerIp"] = "100000",
        ["Kabar:Citizens:LinkRequestsPerIp"] = "100000",
    });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private const string Notification = """
        { "type": "permit_ready", "phone": "0812-7700-3001",
          "params": { "partner_name": "PARTNER", "permit_type": "Izin Usaha", "permit_number": "503/1", "issue_date": "2026-11-25", "download_link": "https://perizinan.example.id/1" } }
        """;

    [Fact]
    public async Task Notification_WithALoneSurrogateEscapeInAParam_Is422NamingTheParam()
    {
        using var api = app.Api();
        using var response = await api.PostAsync("/api/notifications", Json(Notification.Replace("PARTNER", "\\ud800", StringComparison.Ordinal)));
        await AssertNamesFieldAsync(response, "params.partner_name");
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Notification_WithAnInvalidUtf8ByteInAParam_Is422NamingTheParam()
    {
        using var api = app.Api();
        using var response = await api.PostAsync("/api/notifications", Bytes(Notification, "PARTNER", [0x41, 0xC0, 0xAF, 0x42]));
        await AssertNamesFieldAsync(response, "params.partner_name");
        AssertNoErrorLogged();
    }

    public static TheoryData<string, string, string, string> Bodies => new()
    {
        { "POST", "/api/contacts", """{ "phone": "0812-7700-3002", "name": "PARTNER" }""", "name" },
        { "POST", "/api/permits", """
            { "externalRef": "B-1", "permitNumber": "503/1", "permitType": "PARTNER", "status": "issued",
              "holder": { "phone": "0812-7700-3003", "name": "Budi" }, "issuedOn": "2026-11-25" }
            """, "permitType" },
        { "POST", "/api/decisions", """{ "phone": "PARTNER", "message": { "kind": "text" } }""", "phone" },
        { "POST", "/api/decisions/bulk", """{ "phones": ["PARTNER"], "message": { "kind": "text" } }""", "phones[0]" },
        { "POST", "/api/campaigns", """{ "name": "PARTNER", "segment": {}, "channel": "sms", "dailyCap": 100 }""", "name" },
        { "POST", "/api/experiments", """{ "name": "PARTNER", "variants": [ { "key": "a", "weight": 1 }, { "key": "b", "weight": 1 } ] }""", "name" },
        { "PATCH", "/api/contacts/{contact}", """{ "name": "PARTNER" }""", "name" },
        { "POST", "/api/contacts/{contact}/consent", """{ "scope": "whatsapp", "granted": true, "source": "PARTNER", "textVersion": "daftar-v1" }""", "source" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task ApiBody_WithALoneSurrogateAnInvalidByteOrANul_Is422NamingTheField(string method, string template, string body, string field)
    {
        using var api = app.Api();
        var contact = await app.CreateContactAsync("+6281277003000", optedIn: false);
        var path = template.Replace("{contact}", contact.ToString(), StringComparison.Ordinal);
        foreach (var content in new[]
        {
            Json(body.Replace("PARTNER", "\\ud800", StringComparison.Ordinal)),
            Json(body.Replace("PARTNER", "x\\udc00y", StringComparison.Ordinal)),
            Bytes(body, "PARTNER", [0xFF]),
            Bytes(body, "PARTNER", [0x41, 0xE2, 0x82]),
            // Valid JSON, but PostgreSQL refuses a NUL in any text (found by the byte fuzzing: a 500 there).
            Json(body.Replace("PARTNER", "Siti\\u0000A.", StringComparison.Ordinal)),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
            using var response = await api.SendAsync(request);
            await AssertNamesFieldAsync(response, field);
        }

        AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("utf-7")]
    [InlineData("utf-32")]
    [InlineData("nonsense")]
    [InlineData("")]
    public async Task JsonEndpoints_WithACharsetOtherThanUtf8_Are415NamingIt(string charset)
    {
        using var api = app.Api();
        foreach (var path in new[] { "/api/contacts", "/webhooks/sms/http" })
        {
            var content = new ByteArrayContent("""{ "phone": "0812-7700-3004" }"""u8.ToArray());
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
            using var response = await api.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{(int)response.StatusCode} for {path}: {text}");
            Assert.Contains($"charset={(charset.Length == 0 ? "(empty)" : charset)}", text, StringComparison.Ordinal);
            Assert.Contains("utf-8", text, StringComparison.Ordinal);
        }

        AssertNoErrorLogged();
    }

    /// <summary>Found by the byte fuzzing: "utf8", a common spelling .NET does not know, was a 500; it is read as utf-8.</summary>
    [Fact]
    public async Task ApiQuery_WithANul_Is400NamingTheParameter()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KabarApp.ApiKey);

        using var response = await client.GetAsync("/api/notifications?type=permit_ready%00");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'type'", text, StringComparison.Ordinal);
        Assert.Contains("NUL", text, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task JsonBody_DeclaredAsUtf8WithoutTheHyphen_IsReadAsUtf8()
    {
        using var api = app.Api();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{ "phone": "0812-7700-3010", "name": "Joséfina" }"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=UTF8");
        using var response = await api.PostAsync("/api/contacts", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("Joséfina", text, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("/daftar")]
    [InlineData("/admin/login")]
    [InlineData("/opt-out/{token}")]
    [InlineData("/opt-in/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC")]
    public async Task Form_WithACharsetOtherThanUtf8_Is415WithAPageSayingSo(string template)
    {
        var contact = await app.CreateContactAsync("+6281277003005", optedIn: true);
        var links = app.Services.GetRequiredService<Kabar.OptIn.OptOutLinks>();
        await links.EnsureReadyAsync(TestContext.Current.CancellationToken);
        var path = template.Replace("{token}", links.TokenFor(contact), StringComparison.Ordinal);
        using var client = app.CreateClient();
        // An unknown opt-in link has no form of its own; the antiforgery token of the registration form is as good.
        var token = Forms.AntiforgeryToken(await client.GetStringAsync(path.StartsWith("/opt-in/", StringComparison.Ordinal) ? "/daftar" : path));
        foreach (var (charset, lang, expected) in new[] { ("utf-7", "id", "UTF-8"), ("x-unknown", "en", "UTF-8") })
        {
            var content = new ByteArrayContent(Encoding.ASCII.GetBytes($"Email=a%40b.id&Password=x&__RequestVerificationToken={Uri.EscapeDataString(token)}"));
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/x-www-form-urlencoded; charset={charset}");
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "?lang=" + lang) { Content = content };
            using var response = await client.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{(int)response.StatusCode} for {path}: {html}");
            Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains($"lang=\"{lang}\"", html, StringComparison.Ordinal);
            Assert.Contains(expected, html, StringComparison.Ordinal);
        }

        AssertNoErrorLogged();
    }

    /// <summary>
    /// A form field holding a NUL (%00), which PostgreSQL refuses in any text: ASP.NET Core's form
    /// reader refuses it before any page reads the form, so nothing is saved and nothing is logged
    /// as an error. Kept as a guard: a page that read its form another way would have to refuse it too.
    /// </summary>
    [Theory]
    [InlineData("/daftar", "Input.Phone")]
    [InlineData("/daftar", "Input.Name")]
    [InlineData("/admin/login", "Email")]
    public async Task Form_WithANulInAField_Is400AndSavesNothing(string path, string field)
    {
        using var client = app.CreateClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync(path));
        var fields = new Dictionary<string, string>
        {
            ["Input.Phone"] = "0812-7700-3006",
            ["Input.Name"] = "Siti",
            ["Input.WhatsAppConsent"] = "true",
            ["Email"] = "siti@example.id",
            ["Password"] = "x",
            ["__RequestVerificationToken"] = token,
        };
        fields[field] = "Siti\0A.";
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {path}: {text}");
        Assert.Equal(0, await app.WithDbAsync(db => db.Contacts.CountAsync(c => c.Phone == "+6281277003006")));
        AssertNoErrorLogged();
    }

    /// <summary>
    /// A client that sends part of a body and hangs up (a phone losing signal mid-upload), with a
    /// declared length or chunked: the request ends quietly, nothing is logged as an error, and the
    /// next request is served.
    /// </summary>
    [Fact]
    public async Task AbortedUploads_AreNoErrors_AndTheNextRequestIsServed()
    {
        await using var live = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        }, kestrel: true);
        var contact = await live.CreateContactAsync("+6281277003006", optedIn: true);
        var links = live.Services.GetRequiredService<Kabar.OptIn.OptOutLinks>();
        await links.EnsureReadyAsync(TestContext.Current.CancellationToken);
        var optOut = "/opt-out/" + links.TokenFor(contact);
        var jar = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = new Uri(live.BaseUrl) };
        var token = Uri.EscapeDataString(Forms.AntiforgeryToken(await browser.GetStringAsync("/daftar")));
        var cookie = string.Join("; ", jar.GetCookies(new Uri(live.BaseUrl)).Select(c => $"{c.Name}={c.Value}"));
        var auth = $"Authorization: Bearer {KabarApp.ApiKey}\r\n";
        var form = $"__RequestVerificationToken={token}&Input.Name=Siti&Input.Phone=0812";
        var cuts = new (string Head, string Sent)[]
        {
            ($"POST /api/contacts HTTP/1.1\r\n{auth}Content-Type: application/json\r\nContent-Length: 400\r\n", """{ "phone": "0812-7700-3007", "na"""),
            ($"POST /api/notifications HTTP/1.1\r\n{auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "20\r\n{ \"type\": \"permit_ready\", \"ph\r\n"),
            ($"POST /api/imports/contacts HTTP/1.1\r\n{auth}Content-Type: text/csv\r\nContent-Length: 5000\r\n", "phone,name\n0812-7700-3008,Siti\n0812-77"),
            ($"POST /api/imports/permits HTTP/1.1\r\n{auth}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n",
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\nexternal_ref,permit_number\n"),
            ($"POST /webhooks/sms/http HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "8\r\n{ \"refer"),
            ($"POST /webhooks/whatsapp HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n", """{ "object": "whatsapp_business_account", "entry": ["""),
            ($"POST /daftar HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\n", form),
            ($"POST {optOut} HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n", $"{form.Length:x}\r\n{form}\r\n"),
            ($"POST /admin/login HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\n", form),
        };
        var port = new Uri(live.BaseUrl).Port;
        var before = Finished(live);
        foreach (var (head, sent) in cuts)
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{head}Host: 127.0.0.1\r\n\r\n{sent}"), TestContext.Current.CancellationToken);
            await stream.FlushAsync(TestContext.Current.CancellationToken);
            // Hang up half-way: a reset, as a dropped connection looks to the server.
            socket.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            socket.Close();
        }

        // Each cut request has ended on the server once the host logged it finished.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Finished(live) < before + cuts.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(before + cuts.Length, Finished(live));
        using var api = new HttpClient { BaseAddress = new Uri(live.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KabarApp.ApiKey);
        using var next = await api.PostAsync("/api/contacts", Json("""{ "phone": "0812-7700-3009", "name": "Siti" }"""));
        Assert.True(next.IsSuccessStatusCode, await next.Content.ReadAsStringAsync());
        var errors = live.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(3)));
    }

    /// <summary>
    /// A webhook whose body the server cannot read (a chunk size that is no number, as a broken
    /// proxy may send): a 400 problem that says so, nothing stored, nothing logged as an error.
    /// Meta's posts go from routing straight to the endpoint, past the exception handler
    /// middleware, so the endpoint hands the exception to the handlers itself.
    /// </summary>
    [Fact]
    public async Task Webhook_WithABodyTheServerCannotRead_Is400WithAProblem_AndNoErrorIsLogged()
    {
        await using var live = await KabarApp.StartAsync(Db.Sqlite, postgres, new(), kestrel: true);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, new Uri(live.BaseUrl).Port, TestContext.Current.CancellationToken);
        var stream = socket.GetStream();
        var request = "POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n8\r\n{ \"objec\r\nzz\r\nt\": 1 }\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("chunk", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await live.WithDbAsync(d => d.WebhookInbox.CountAsync()));
        Assert.Equal(0, await live.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync()));
        var errors = live.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)
            || l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(3)));
    }

    private static int Finished(KabarApp app) => app.Logs.Lines.Count(l => l.Contains("Request finished HTTP/1.1 POST", StringComparison.Ordinal));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary><paramref name="body"/> as UTF-8 with <paramref name="marker"/> replaced by raw bytes.</summary>
    private static ByteArrayContent Bytes(string body, string marker, byte[] raw)
    {
        var at = body.IndexOf(marker, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(body[..at]).Concat(raw).Concat(Encoding.UTF8.GetBytes(body[(at + marker.Length)..])).ToArray();
        return new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
    }

    private static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        using var problem = JsonDocument.Parse(text);
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages), text);
        Assert.Contains("UTF-8", errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    private void AssertNoErrorLogged()
    {
        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(2)));
    }
}
