using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;

namespace Kabar.Tests.Admin;

/// <summary>
/// The contacts list as staff use it: a total and pages instead of "the 20 newest", a search that
/// finds a person by a part of their number typed any way or by their name in any case, a consent
/// filter, and on a person's page the permits they hold. On SQLite and PostgreSQL, whose LIKE
/// differ on case.
/// </summary>
public abstract partial class ContactsListTests(Db provider, PostgresServer postgres)
{
    [Fact]
    public async Task List_ShowsTheTotal_PagesThroughEveryone_AndKeepsTheFilterOnEachPage()
    {
        await using var app = await KabarApp.StartAsync(provider, postgres);
        // 120 people: every third one agreed to WhatsApp (40), the rest have not chosen.
        for (var i = 0; i < 120; i++)
        {
            await AddAsync(app, $"+62812600{i:D5}", $"Warga Nomor {i:D3}", agreed: i % 3 == 0);
        }

        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        var first = await ReadAsync(client, "/admin/contacts");
        Assert.Contains("1–50 dari 120 kontak", first, StringComparison.Ordinal);
        Assert.Contains("Halaman 1 dari 3", first, StringComparison.Ordinal);
        Assert.Equal(50, Rows(first));

        var third = await ReadAsync(client, "/admin/contacts?p=3");
        Assert.Contains("101–120 dari 120 kontak", third, StringComparison.Ordinal);
        Assert.Equal(20, Rows(third));
        Assert.DoesNotContain("rel=\"next\"", third, StringComparison.Ordinal);
        // Every person is on exactly one page.
        var ids = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            ids.AddRange(ContactLink().Matches(await ReadAsync(client, $"/admin/contacts?p={page}")).Select(m => m.Value));
        }

        Assert.Equal(120, ids.Distinct().Count());

        var agreed = await ReadAsync(client, "/admin/contacts?consent=granted");
        Assert.Contains("1–40 dari 40 kontak", agreed, StringComparison.Ordinal);
        Assert.DoesNotContain("belum memilih", Table(agreed), StringComparison.Ordinal);
        var undecided = await ReadAsync(client, "/admin/contacts?consent=unknown&p=2");
        Assert.Contains("51–80 dari 80 kontak", undecided, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/contacts?consent=unknown&p=1\"", undecided, StringComparison.Ordinal);

        var english = await ReadAsync(client, "/admin/contacts?consent=granted&lang=en");
        Assert.Contains("1–40 of 40 contacts", english, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0812-6000-011", 10)] // 011 followed by any digit: 110–119
    [InlineData("+62 812 6000 0115", 1)]
    [InlineData("6000011", 10)]
    [InlineData("warga nomor 10", 10)] // 100–109, in another case than stored
    [InlineData("WARGA NOMOR 005", 1)]
    [InlineData("Budi", 0)]
    public async Task Search_FindsByPartOfTheNumberTypedAnyWay_OrByNameInAnyCase(string typed, int found)
    {
        await using var app = await KabarApp.StartAsync(provider, postgres);
        for (var i = 0; i < 120; i += 1)
        {
            await AddAsync(app, $"+62812600{i:D5}", $"Warga Nomor {i:D3}", agreed: false);
        }

        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        using var response = await client.GetAsync("/admin/contacts?q=" + Uri.EscapeDataString(typed));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        if (found == 1 && typed.StartsWith('+'))
        {
            // A whole number opens the person.
            Assert.Matches("/admin/contacts/[0-9a-f-]{36}$", response.RequestMessage!.RequestUri!.AbsolutePath);
            return;
        }

        Assert.Equal(found, Rows(html));
        Assert.Contains(found == 0 ? "Tidak ada kontak yang cocok." : $"1–{found} dari {found} kontak", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// A search (or any query) holding a NUL, which PostgreSQL refuses in any text it is given:
    /// a 400 page that says the request could not be read, never a 500.
    /// </summary>
    [Fact]
    public async Task Search_WithANulInTheQuery_IsA400Page_NotAnError()
    {
        await using var app = await KabarApp.StartAsync(provider, postgres);
        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);

        foreach (var query in new[] { "/admin/contacts?q=Budi%00", "/admin/notifications?type=permit_ready%00" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, query) { Headers = { { "Accept", "text/html,application/xhtml+xml" } } };
            using var response = await client.SendAsync(request); // as a browser asks
            var html = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {query}: {html[..Math.Min(300, html.Length)]}");
            Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("tidak dapat dibaca", html, StringComparison.Ordinal);
        }

        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(2)));
    }

    [Fact]
    public async Task ContactPage_ListsThePermitsThePersonHolds_WithTheirStateInWords()
    {
        await using var app = await KabarApp.StartAsync(provider, postgres);
        var permit = await app.PostPermitAsync(PermitSupport.Permit("REK-2026-0042", "issued", "+6281260000777", expiresOn: "2027-11-30"));
        await app.PostPermitAsync(PermitSupport.Permit("SIP-2026-0001", "submitted", "+6281260000888"));
        var holder = permit.GetProperty("holderContactId").GetGuid();

        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);
        var page = await ReadAsync(client, $"/admin/contacts/{holder}");
        var permits = Section(page, "contact-permits");
        Assert.Contains($"href=\"/admin/permits/{permit.GetProperty("id").GetGuid()}\">503/REK-2026-0042</a>", permits, StringComparison.Ordinal);
        Assert.Contains("Izin Usaha Mikro", permits, StringComparison.Ordinal);
        Assert.Contains(">terbit<", permits, StringComparison.Ordinal);
        Assert.Contains("30-11-2027", permits, StringComparison.Ordinal);
        Assert.DoesNotContain("SIP-2026-0001", permits, StringComparison.Ordinal);
    }

    private static async Task AddAsync(KabarApp app, string phone, string name, bool agreed)
    {
        using var api = app.Api();
        object body = agreed
            ? new { phone, name, consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1", ip = "203.0.113.7", userAgent = "test" } }
            : new { phone, name };
        using var response = await api.PostAsJsonAsync("/api/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The page as a reader sees its text (Razor writes "–" as <c>&amp;#x2013;</c>).</summary>
    private static async Task<string> ReadAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    private static int Rows(string html) => html.Contains("data-testid=\"contacts\"", StringComparison.Ordinal) ? ContactLink().Count(Table(html)) : 0;

    private static string Table(string html) => Section(html, "contacts");

    private static string Section(string html, string testId)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {testId} on the page");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return html[start..(end < 0 ? html.Length : end)];
    }

    [GeneratedRegex("href=\"/admin/contacts/[0-9a-f-]{36}\"")]
    private static partial Regex ContactLink();
}

public sealed class ContactsListTests_Sqlite(PostgresServer postgres) : ContactsListTests(Db.Sqlite, postgres);

public sealed class ContactsListTests_Postgres(PostgresServer postgres) : ContactsListTests(Db.Postgres, postgres);
