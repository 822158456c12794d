using System.Net;
using System.Text.RegularExpressions;
using Kabar.Admin;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Admin;

/// <summary>
/// The screens staff use every day — the dashboard, the notification log, a notification, a contact —
/// read in words and office time, in Indonesian and in English: no stored code (<c>permit_ready</c>,
/// <c>registration_form</c>, <c>no_consent</c>, <c>granted</c>…) is the text a person reads. The codes
/// stay in tooltips and small print for auditors, which the scan leaves out.
/// </summary>
public sealed partial class ConsoleWordsTests(PostgresServer postgres)
{
    private const string Agreed = "+6281250000011";
    private const string Undecided = "+6281250000012";
    private const string Stopper = "+6281250000013";
    private const string NotOnWhatsApp = "+6281250000014";

    [Fact]
    public async Task DailyScreens_ShowWordsAndOfficeTimes_NeverAStoredCode_InBothLanguages()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var (client, pages) = await SeedAsync(app);
        using var _ = client;

        foreach (var lang in new[] { "id", "en" })
        {
            var forbidden = Forbidden(lang == "en");
            foreach (var page in pages)
            {
                var text = await VisibleAsync(client, $"{page}?lang={lang}", quotes: false);
                var shown = forbidden.Where(code => Token(code).IsMatch(text)).ToList();
                Assert.True(shown.Count == 0, $"{page} ({lang}) shows the codes {string.Join(", ", shown)}:\n{text}");
                Assert.DoesNotContain("UTC", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task NotificationAndContactPages_SayWhatHappened_InWordsWithTheMessageSentAndWIB()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var (client, _) = await SeedAsync(app);
        using var __ = client;
        var ids = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.Type == "permit_ready")
            .Join(db.Contacts, n => n.ContactId, c => c.Id, (n, c) => new { c.Phone, n.Id }).ToDictionaryAsync(x => x.Phone!, x => x.Id));

        var agreed = await VisibleAsync(client, $"/admin/notifications/{ids[Agreed]}?lang=id");
        Assert.Contains("izin terbit", agreed, StringComparison.Ordinal);
        Assert.Contains("setuju WhatsApp", agreed, StringComparison.Ordinal);
        // The WhatsApp template as the catalog has it, filled in with this notification's parameters.
        Assert.Contains("Yth. Siti Aminah, dokumen Izin Usaha Mikro Anda dengan nomor", agreed, StringComparison.Ordinal);
        // Created at 03:00 UTC on the test clock: 10:00 in Jakarta.
        Assert.Contains("25-11-2026 10:00", agreed, StringComparison.Ordinal);
        Assert.Contains("WIB", agreed, StringComparison.Ordinal);

        var undecided = await VisibleAsync(client, $"/admin/notifications/{ids[Undecided]}?lang=en");
        Assert.Contains("no WhatsApp consent yet", undecided, StringComparison.Ordinal);
        // The SMS as it went, in the person's language (Indonesian), whatever the reader's.
        Assert.Contains("Yth. Siti Aminah, Izin Usaha Mikro Anda no. 503/0186/IUM/2026 telah terbit", undecided, StringComparison.Ordinal);

        var missing = await VisibleAsync(client, $"/admin/notifications/{ids[NotOnWhatsApp]}?lang=id");
        Assert.Contains("nomor tidak memakai WhatsApp", missing, StringComparison.Ordinal);
        Assert.Contains("Periksa nomornya bersama warga", missing, StringComparison.Ordinal);

        var stopperId = await app.WithDbAsync(db => db.Contacts.Where(c => c.Phone == Stopper).Select(c => c.Id).SingleAsync());
        var contact = await VisibleAsync(client, $"/admin/contacts/{stopperId}?lang=id");
        Assert.Contains("kata kunci di WhatsApp", contact, StringComparison.Ordinal);
        Assert.Contains("menarik persetujuan", contact, StringComparison.Ordinal);
        Assert.Contains("konfirmasi berhenti", contact, StringComparison.Ordinal);
        var html = await client.GetStringAsync($"/admin/contacts/{stopperId}?lang=id");
        Assert.Contains("title=\"inbound_keyword\"", html, StringComparison.Ordinal); // the code, for auditors

        var dashboard = await VisibleAsync(client, "/admin?lang=en");
        Assert.Contains("1 contact stopped WhatsApp", dashboard, StringComparison.Ordinal);
        Assert.Contains("of 4 contacts agreed to WhatsApp", dashboard, StringComparison.Ordinal);
        Assert.Contains("registration form", dashboard, StringComparison.Ordinal);
        Assert.Contains("1 kontak berhenti WhatsApp", await VisibleAsync(client, "/admin?lang=id"), StringComparison.Ordinal);
    }

    /// <summary>Four people in four situations, through the real pipeline; a viewer signed in; the daily pages.</summary>
    private static async Task<(HttpClient Client, List<string> Pages)> SeedAsync(KabarApp app)
    {
        var contacts = new List<Guid>
        {
            await app.CreateContactAsync(Agreed, optedIn: true),
            await app.CreateContactAsync(Undecided, optedIn: false),
            await app.CreateContactAsync(Stopper, optedIn: true),
            await app.CreateContactAsync(NotOnWhatsApp, optedIn: true),
        };
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(Stopper[1..], "wamid.words-stop", app.Time.GetUtcNow(), "STOP"))));
        await app.FaultAsync(NotOnWhatsApp, 131026);
        var notifications = new List<Guid>();
        foreach (var phone in new[] { Agreed, Undecided, Stopper, NotOnWhatsApp })
        {
            notifications.Add(await app.PermitReadyAsync(phone));
        }

        await app.SendAndSettleAsync();
        await app.AdvanceAsync(TimeSpan.FromSeconds(10));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        var all = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Select(n => n.Id).ToListAsync());

        var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);

        var pages = new List<string> { "/admin", "/admin/notifications", "/admin/contacts" };
        pages.AddRange(all.Select(id => $"/admin/notifications/{id}"));
        pages.AddRange(contacts.Select(id => $"/admin/contacts/{id}"));
        return (client, pages);
    }

    /// <summary>
    /// Codes a reader of that language must not meet as text: every stored code that is not itself
    /// one of the table's words (English "sent" is both code and word; Indonesian "sent" is a code).
    /// </summary>
    private static List<string> Forbidden(bool english)
    {
        var words = ConsoleLabels.Codes.Select(c => ConsoleLabels.Word(c.Kind, c.Code, english)).ToList();
        return ConsoleLabels.Codes.Select(c => c.Code).Distinct()
            .Where(code => !words.Any(w => Token(code).IsMatch(w)))
            .Concat(NotificationCatalog.All.SelectMany(t => t.Parameters.Where(p => p.Contains('_', StringComparison.Ordinal))))
            .Distinct().ToList();
    }

    private static Regex Token(string code) => new($"(?<![\\w/.@-]){Regex.Escape(code)}(?![\\w/@-])", RegexOptions.CultureInvariant);

    private static async Task<string> VisibleAsync(HttpClient client, string path, bool quotes = true)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}\n{html}");
        return Visible(html, quotes);
    }

    /// <summary>
    /// The console's own words a reader sees: no head, no attributes (tooltips), no small-print codes
    /// for auditors, and, unless asked, no quotes of what was sent or written (a citizen's text is theirs).
    /// </summary>
    private static string Visible(string html, bool quotes)
    {
        var body = Head().Replace(html, "");
        body = Aside().Replace(body, " ");
        body = quotes ? body : Quote().Replace(body, " ");
        body = Tag().Replace(body, " ");
        return Spaces().Replace(WebUtility.HtmlDecode(body), " ");
    }

    [GeneratedRegex("<head>.*?</head>", RegexOptions.Singleline)]
    private static partial Regex Head();

    [GeneratedRegex("<code class=\"aside\">.*?</code>", RegexOptions.Singleline)]
    private static partial Regex Aside();

    [GeneratedRegex("<(p|td) class=\"(message|said)\">.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Quote();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
