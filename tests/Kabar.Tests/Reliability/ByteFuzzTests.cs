using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Every body Kabar takes from outside, other than Meta's webhook, fed byte-level mutations
/// (<see cref="ByteFuzz"/>): the API's JSON bodies, the SMS delivery report, the citizen and
/// console forms and the CSV imports. No answer is a 5xx, nothing is logged as an error, and
/// Kabar answers a valid request right after. A failure prints the seed and the body.
/// </summary>
public sealed class ByteFuzzTests(PostgresServer postgres)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Kabar:Citizens:FormPostsPerIp"] = "100000",
        ["Kabar:Citizens:LinkRequestsPerIp"] = "100000",
    };

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Api_ByteMutations_Get4xxOr2xx_NeverA5xx(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, new(Settings));
        var fuzz = new ByteFuzz($"API on {db}");
        using var api = app.Api();
        var contact = await app.CreateContactAsync("+6281277004000", optedIn: false);
        var bodies = FuzzTests.ApiBodies().Select(b => (b.Method, b.Path, Valid: b.Body.ToJsonString()))
            .Append(("POST", "/api/contacts/{contact}/consent", """{ "scope": "whatsapp", "granted": true, "source": "registration_form", "textVersion": "daftar-v1" }"""));
        var sent = 0;
        foreach (var (method, template, valid) in bodies)
        {
            var path = template.Replace("{contact}", contact.ToString(), StringComparison.Ordinal);
            for (var i = 0; i < Fuzz.Cases(db == Db.Sqlite ? 10 : 5); i++)
            {
                var body = fuzz.Mutate(Encoding.UTF8.GetBytes(valid));
                var charset = fuzz.Next(4) == 0 ? fuzz.Pick(ByteFuzz.Charsets) : "";
                var type = charset is null ? null : "application/json" + charset;
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Content(fuzz, body, type) };
                request.Headers.Add("Idempotency-Key", $"bytes-{sent++}");
                using var response = await api.SendAsync(request);
                await AssertAnsweredAsync(app, response, fuzz.Describe(method, path, type, body), type, body.Length);
            }
        }

        await AssertStillWorkingAsync(app);
    }

    [Fact]
    public async Task SmsDeliveryReports_ByteMutations_Get4xxOr2xx_NeverA5xx()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new(Settings));
        var fuzz = new ByteFuzz("SMS delivery reports");
        using var client = app.CreateClient();
        var valid = Encoding.UTF8.GetBytes($$"""{ "reference": "{{Guid.NewGuid()}}", "status": "delivered", "at": "2026-11-25T03:00:00Z" }""");
        for (var i = 0; i < Fuzz.Cases(40); i++)
        {
            var body = fuzz.Mutate(valid);
            var charset = fuzz.Next(3) == 0 ? fuzz.Pick(ByteFuzz.Charsets) : "";
            var type = charset is null ? null : "application/json" + charset;
            using var response = await client.PostAsync("/webhooks/sms/http", Content(fuzz, body, type));
            await AssertAnsweredAsync(app, response, fuzz.Describe("POST", "/webhooks/sms/http", type, body), type, body.Length);
        }

        await AssertStillWorkingAsync(app);
    }

    /// <summary>Percent-escapes a browser never sends: bytes that are not UTF-8, NUL, broken escapes, stray separators.</summary>
    private static readonly string[] FormJunk = ["%FF", "%C0%AF", "%ED%A0%80", "%E2%82", "%00", "%", "%G1", "&&", "==", "+", "%0D%0A", "&Input.Name=", "&Input.Name=dua"];

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Forms_ByteMutations_AreAnsweredWithAPage_NeverA5xx(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, new(Settings));
        var fuzz = new ByteFuzz($"forms on {db}");
        var contact = await app.CreateContactAsync("+6281277004001", optedIn: true);
        var links = app.Services.GetRequiredService<Kabar.OptIn.OptOutLinks>();
        await links.EnsureReadyAsync(TestContext.Current.CancellationToken);
        var forms = new (string Path, string Fields)[]
        {
            ("/daftar", "Input.Name=Siti+Aminah&Input.Phone=0812-7700-4002&Input.Email=siti%40example.id&Input.PermitType=Izin+Usaha&Input.WhatsAppConsent=true&lang=id"),
            ("/admin/login", "Email=admin%40example.id&Password=rahasia-sekali"),
            ("/opt-out/" + links.TokenFor(contact), "confirm=true"),
        };
        using var client = app.CreateClient();
        foreach (var (path, fields) in forms)
        {
            for (var i = 0; i < Fuzz.Cases(db == Db.Sqlite ? 12 : 6); i++)
            {
                // The registration form's token is good for every form (the opt-out page has none once the person stopped).
                var token = Forms.AntiforgeryToken(await client.GetStringAsync("/daftar"));
                var text = fields;
                for (var n = 1 + fuzz.Next(3); n > 0; n--)
                {
                    var at = fuzz.Next(text.Length + 1);
                    text = text[..at] + fuzz.Pick(FormJunk) + text[at..];
                }

                var body = Encoding.ASCII.GetBytes($"__RequestVerificationToken={Uri.EscapeDataString(token)}&{text}");
                if (fuzz.Next(3) == 0)
                {
                    body = fuzz.Mutate(body); // raw bytes too: what no browser sends
                }

                var charset = fuzz.Next(4) == 0 ? fuzz.Pick(ByteFuzz.Charsets) : "";
                var type = charset is null ? null : "application/x-www-form-urlencoded" + charset;
                using var response = await client.PostAsync(path, Content(fuzz, body, type));
                var what = fuzz.Describe("POST", path, type, body);
                await AssertAnsweredAsync(app, response, what, type, body.Length);
            }
        }

        await AssertStillWorkingAsync(app);
    }

    /// <summary>
    /// A NUL in the address (a raw zero byte, which no browser sends) is a wrong sign-in:
    /// PostgreSQL refuses a NUL in any text, and the lookup answered 500 there (found by the form
    /// fuzzing above, <c>KABAR_FUZZ_SEED=1624839842</c>).
    /// </summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AdminLogin_WithANulInTheAddress_IsAWrongSignIn_NotAnError(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, new(Settings));
        using var client = app.CreateClient();
        // The raw byte is read into the address; an escaped %00 the form reader refuses (a 4xx) before the page sees it.
        foreach (var address in new[] { "admin%4\u00000example.id", "admin\u0000%40example.id" })
        {
            var token = Forms.AntiforgeryToken(await client.GetStringAsync("/daftar"));
            var body = $"__RequestVerificationToken={Uri.EscapeDataString(token)}&Email={address}&Password=rahasia-sekali";
            using var response = await client.PostAsync("/admin/login",
                new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new("application/x-www-form-urlencoded") } });
            var page = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} for {address}: {page[..Math.Min(300, page.Length)]}");
            Assert.Contains("Email atau kata sandi salah.", page, StringComparison.Ordinal);
        }

        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(2)));
    }

    private const string ContactsCsv = """"
        phone,name,email,language,consent_scope,consent_granted,consent_source,consent_at,consent_text_version
        0812-7700-4101,Siti,siti@example.id,id,whatsapp,true,import,2026-01-05T09:00:00+07:00,daftar-v1
        "+6281277004102","Budi ""B""",,en,,,,,

        """";

    private const string PermitsCsv = """
        external_ref;permit_number;permit_type;status;holder_phone;holder_name;issued_on
        BF-1;503/1;Izin Usaha;issued;0812-7700-4103;José;2026-11-25
        BF-2;503/2;Izin Usaha;submitted;0812-7700-4104;Rina;

        """;

    [Fact]
    public async Task CsvImports_ByteMutations_AreReportedRowByRow_NeverA5xx()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new(Settings));
        var fuzz = new ByteFuzz("CSV imports");
        using var api = app.Api();
        foreach (var (path, csv) in new[] { ("/api/imports/contacts", ContactsCsv), ("/api/imports/permits", PermitsCsv) })
        {
            for (var i = 0; i < Fuzz.Cases(15); i++)
            {
                var body = fuzz.Mutate(Encoding.UTF8.GetBytes(csv));
                var target = path + (fuzz.Next(2) == 0 ? "?dryRun=true" : "");
                HttpContent content = fuzz.Next(3) == 0
                    ? new MultipartFormDataContent { { new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "kabar.csv" } }
                    : Content(fuzz, body, "text/csv");
                using var response = await api.PostAsync(target, content);
                await AssertAnsweredAsync(app, response, fuzz.Describe("POST", target, content.Headers.ContentType?.ToString(), body), "text/csv", body.Length);
            }
        }

        await AssertStillWorkingAsync(app);
    }

    /// <summary>A file with bad rows among good ones: each bad row is reported by line, the good rows go in (HTTP and command line).</summary>
    [Fact]
    public async Task CsvImport_WithBadBytesInSomeRows_ReportsThem_AndImportsTheRest()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new(Settings));
        byte[] Csv(string first, string second) => [.. Encoding.UTF8.GetBytes("phone,name\n"),
            .. Encoding.UTF8.GetBytes($"{first},Siti\n"),
            .. Encoding.UTF8.GetBytes($"{second},Jos"), 0xE9, .. "\n"u8,          // Windows-1252 'é'
            .. "0812-7700-4199,Ba"u8, 0xC0, 0xAF, .. "di\n"u8,                     // an overlong '/'
            .. "0812-7700-4198,=HYPERLINK(\"x\")\n"u8];
        using var api = app.Api();
        using var response = await api.PostAsync("/api/imports/contacts", new ByteArrayContent(Csv("0812-7700-4201", "0812-7700-4202"))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("text/csv") },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var report = await KabarApp.ReadAsync<Kabar.Transfers.ContactImportReport>(response);
        Assert.Equal((4, 1, 3), (report.Rows, report.Created, report.Rejected));
        Assert.Equal([3, 4, 5], report.Errors.Select(e => e.Line).Order());

        var file = Path.Combine(Path.GetTempPath(), $"kabar-bytes-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, Csv("0812-7700-4301", "0812-7700-4302"), TestContext.Current.CancellationToken);
        try
        {
            var run = await KabarCliRunner.RunAsync(app, "import", "contacts", file);
            Assert.True(run.Code == 1, run.ToString());
            Assert.Contains("line 3", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Equal(2, await app.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.Contacts)));
    }

    /// <summary>Streamed without a length (chunked on a socket) one time in four.</summary>
    private static HttpContent Content(ByteFuzz fuzz, byte[] body, string? type)
    {
        HttpContent content = fuzz.Next(4) == 0 ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        if (type is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        return content;
    }

    private static async Task AssertAnsweredAsync(KabarApp app, HttpResponseMessage response, string what, string? type, int length)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            var error = app.Logs.Lines.LastOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? "(nothing logged)";
            Assert.Fail($"{status} for {what}\n{await response.Content.ReadAsStringAsync()}\n{(error.Length > 1500 ? error[..1500] : error)}");
        }

        var charset = type is null ? null : MediaTypeHeaderValue.TryParse(type, out var parsed) ? parsed.CharSet?.Trim('"') : null;
        // An empty body has no text to be in any charset: it is refused (or taken) for being empty.
        if (length > 0 && charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            && type is not null && !type.StartsWith("text/csv", StringComparison.Ordinal) && status is not (401 or 403 or 404 or 429))
        {
            Assert.True(status == 415, $"{status}, not 415, for {what}");
        }
    }

    private static async Task AssertStillWorkingAsync(KabarApp app)
    {
        using var client = app.CreateClient();
        using (var health = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var api = app.Api();
        using var ok = await api.PostAsync("/api/contacts", new StringContent("""{ "phone": "0812-7700-4999", "name": "Setelah" }""", Encoding.UTF8, "application/json"));
        Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());

        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)
            || l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(3).Select(e => e.Length > 1500 ? e[..1500] : e)));
    }
}
