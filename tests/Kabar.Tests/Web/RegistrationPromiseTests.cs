using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kabar.Channels;
using Kabar.Decisions;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Web.CitizenPages;

namespace Kabar.Tests.Web;

/// <summary>
/// What the registration form promises holds: the acknowledgement's "Rincian" opens the
/// registration's own status page, its text uses words, the page says which channel carries it and
/// that channel carries it, and a number SMS cannot reach is told so before it is accepted.
/// </summary>
public sealed partial class RegistrationPromiseTests(PostgresServer postgres)
{
    [GeneratedRegex(@"https?://[^\s]+/status/[A-Za-z0-9_-]{43}")]
    private static partial Regex StatusLink();

    [GeneratedRegex("REG-[0-9]{8}-[A-Z0-9]{6}")]
    private static partial Regex Reference();

    private static async Task<(HttpStatusCode Status, string Html)> RegisterAsync(HttpClient client, string phone, bool tick,
        string? email = null, string permitType = PermitType, string lang = "")
    {
        var path = "/daftar" + lang;
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = "Siti Aminah",
            ["Input.Phone"] = phone,
            ["Input.PermitType"] = permitType,
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(await client.GetStringAsync(path)),
        };
        if (tick)
        {
            form["Input.WhatsAppConsent"] = "true";
        }

        if (email is not null)
        {
            form["Input.Email"] = email;
        }

        using var response = await client.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<List<Channel>> ChannelsAsync(KabarApp app) =>
        app.WithDbAsync(db => db.Notifications.AsNoTracking().OrderBy(n => n.CreatedAt).Select(n => n.Channel).ToListAsync());

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Acknowledgement_SaysTheStepInWords_AndItsDetailsOpenThisApplicationOnly(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        using var client = app.CreateClient();
        const string phone = "+6281230007001";
        var (status, first) = await RegisterAsync(client, "0812-3000-7001", tick: false);
        Assert.True(status == HttpStatusCode.OK, first);
        var reference = Reference().Match(first).Value;
        var (_, second) = await RegisterAsync(client, "0812-3000-7001", tick: false, permitType: "Izin Lainnya");
        var otherReference = Reference().Match(second).Value;
        await app.DispatchAsync();

        var sms = app.Sms().Received(phone)[0].Text;
        Assert.Contains("berubah dari Diajukan menjadi Diterima", sms, StringComparison.Ordinal);
        Assert.DoesNotContain("->", sms, StringComparison.Ordinal);
        var link = OnlyLink(StatusLink(), sms);
        Assert.Contains("Rincian: " + link, sms, StringComparison.Ordinal);

        // The office put the application in review in the permit system: the page shows it.
        using (var api = app.Api())
        {
            using var permit = await api.PostAsJsonAsync("/api/permits", new
            {
                externalRef = "SICANTIK-7001",
                permitType = PermitType,
                status = "in_review",
                holder = new { phone = "0812-3000-7001" },
                registrationId = reference,
            }, TestContext.Current.CancellationToken);
            Assert.True(permit.IsSuccessStatusCode, await permit.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        Task<string> Snapshot() => app.WithDbAsync(async d => string.Join(',',
            await d.Contacts.MaxAsync(c => c.UpdatedAt), await d.ConsentEvents.CountAsync(), await d.Notifications.CountAsync(),
            await d.Notifications.MaxAsync(n => n.UpdatedAt), await d.Registrations.CountAsync(), await d.DeliveryAttempts.CountAsync()));
        var before = await Snapshot();

        using var page = await client.GetAsync(PathOf(link));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains($"Status permohonan {reference}", html, StringComparison.Ordinal);
        Assert.Contains("Diterima", html, StringComparison.Ordinal);
        Assert.Contains("Sedang diproses", html, StringComparison.Ordinal);
        Assert.Contains("25-11-2026 10:00 WIB", html, StringComparison.Ordinal);

        // Nothing else about the person: not their name, number, other application or permit reference.
        foreach (var secret in new[] { "Siti", "3000", "7001", otherReference, "SICANTIK" })
        {
            Assert.DoesNotContain(secret, html.Replace(PathOf(link), "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        using var english = await client.GetAsync(PathOf(link) + "?lang=en");
        var englishHtml = await english.Content.ReadAsStringAsync();
        Assert.Contains($"Application {reference}", englishHtml, StringComparison.Ordinal);
        Assert.Contains("In review", englishHtml, StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task StatusLink_Altered_IsAPageSayingSo_AndAnOldOneHasExpired()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        await RegisterAsync(client, "0812-3000-7002", tick: false);
        await app.DispatchAsync();
        var path = PathOf(OnlyLink(StatusLink(), LastSms(app, "+6281230007002")));

        var altered = path[..^1] + (path[^1] == 'A' ? 'B' : 'A');
        using (var unknown = await client.GetAsync(altered))
        {
            var html = await unknown.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.StartsWith("text/html", unknown.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("Tautan tidak dikenal", html, StringComparison.Ordinal);
            Assert.DoesNotContain("REG-", html, StringComparison.Ordinal);
        }

        app.Time.Advance(TimeSpan.FromDays(366));
        using var expired = await client.GetAsync(path + "?lang=en");
        var text = await expired.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This link has expired", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstTimeRegistrant_IsToldTheChannelItGets_AndNotOfAnEarlierConsent()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();
        var (_, sms) = await RegisterAsync(client, "0812-3000-7003", tick: false);
        var (_, whatsApp) = await RegisterAsync(client, "0812-3000-7004", tick: true);

        Assert.Contains("Tanda terima pendaftaran ini lewat SMS ke", sms, StringComparison.Ordinal);
        Assert.Contains("Tanda terima pendaftaran ini lewat WhatsApp ke", whatsApp, StringComparison.Ordinal);
        foreach (var html in new[] { sms, whatsApp })
        {
            Assert.DoesNotContain("yang pernah Anda berikan", html, StringComparison.Ordinal);
        }

        await app.DispatchAsync();
        Assert.Equal([Channel.Sms, Channel.WhatsApp], await ChannelsAsync(app));
        Assert.Single(app.Sms().Received("+6281230007003"));
    }

    [Fact]
    public async Task OptedInPerson_RegisteringWithoutTheTick_IsToldWhatsAppCarriesIt_AndGetsWhatsApp()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await app.CreateContactAsync("+6281230007005", optedIn: true);
        using var client = app.CreateClient();
        var (_, html) = await RegisterAsync(client, "0812-3000-7005", tick: false);

        Assert.Contains("Bila nomor ini sudah pernah menyetujui WhatsApp dari kami, persetujuan itu tetap berlaku dan kabar datang lewat WhatsApp.",
            html, StringComparison.Ordinal);
        await app.DispatchAsync();
        Assert.Equal([Channel.WhatsApp], await ChannelsAsync(app));
        Assert.Empty(app.Sms().Received("+6281230007005"));
    }

    [Theory]
    [InlineData("+1 415 555 0100", "+14155550100")]
    [InlineData("(0628) 20123", "+6262820123")]
    public async Task NumberThatCannotTakeSms_IsToldOnTheForm_AndAnEmailIsThenSent(string typed, string e164)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var client = app.CreateClient();

        var (status, html) = await RegisterAsync(client, typed, tick: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Matches("id=\"phone-error\">Nomor ini tidak bisa menerima SMS dari kami: SMS hanya kami kirim ke nomor HP Indonesia\\.[^<]*isi kolom Email", html);
        Assert.Contains("<a href=\"#phone\">Nomor ini tidak bisa menerima SMS", html, StringComparison.Ordinal);
        var (_, english) = await RegisterAsync(client, typed, tick: false, lang: "?lang=en");
        Assert.Contains("This number cannot receive our SMS: we send SMS to Indonesian mobile numbers only.", english, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(d => d.Registrations.CountAsync()));

        var (accepted, done) = await RegisterAsync(client, typed, tick: false, email: "siti@example.id", lang: "?lang=id");
        Assert.True(accepted == HttpStatusCode.OK, done);
        Assert.Contains("Tanda terima pendaftaran ini lewat email ke s***@example.id", done, StringComparison.Ordinal);
        Assert.DoesNotContain("lewat SMS", done, StringComparison.Ordinal);

        await app.DispatchAsync();
        Assert.Equal([Channel.Email], await ChannelsAsync(app));
        Assert.Empty(app.Sms().Received(e164));
        var mail = Assert.Single(app.Services.GetRequiredService<EmailOutbox>().List("siti@example.id"));
        var body = EmailOutbox.Load(mail.Path).TextBody;
        Assert.Contains("berubah dari Diajukan menjadi Diterima", body, StringComparison.Ordinal);
        Assert.Matches(StatusLink(), body);
    }
}
