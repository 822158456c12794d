using System.Net;
using System.Text.RegularExpressions;
using Kabar.Consent;
using Kabar.Pages.Sandbox;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Web;

/// <summary>The sandbox phone (SPEC §7) over HTTP: what a number received, replies as signed inbound webhooks, and who may see it.</summary>
public sealed partial class SandboxPageTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private HttpClient Browser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<string> HtmlAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        await Http.AssertStatusAsync(response, expected);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task PhoneView_AfterAWhatsAppTemplate_ShowsTheRenderedBodyWithItsTicksAndLink()
    {
        await app.CreateContactAsync("081277775001", optedIn: true);
        await app.PermitReadyAsync("081277775001");
        await app.SendAndSettleAsync();

        using var browser = Browser();
        var html = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775001"));

        Assert.Contains("Yth. Siti Aminah, dokumen Izin Usaha Mikro Anda dengan nomor 503/0186/IUM/2026 telah terbit pada 25-11-2026.", html);
        Assert.Contains("<a href=\"https://perizinan.example.id/izin/0186\">https://perizinan.example.id/izin/0186</a>", html);
        Assert.DoesNotContain("{{", html);
        Assert.Matches("class=\"tick tick-delivered\"[^>]*>Diterima<", html);
        Assert.Contains("data-testid=\"refresh\"", html);
    }

    [Fact]
    public async Task PhoneView_UnknownNumberGotAnSms_ShowsItWithAClickableOptInLink()
    {
        await app.PermitReadyAsync("081277775002");
        await app.SendAndSettleAsync();

        using var browser = Browser();
        var html = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775002"));

        var sms = Assert.Single(app.Sms().Received("+6281277775002"));
        var links = LinkPattern().Matches(sms.Text).Select(m => m.Value).ToList();
        Assert.Contains(links, l => l.Contains("/opt-in/", StringComparison.Ordinal));
        foreach (var link in links)
        {
            Assert.Contains($"<a href=\"{link}\">{link}</a>", html);
        }

        Assert.Contains("data-testid=\"sms\"", html);
    }

    [Fact]
    public async Task PhoneView_ForeignNumberWithEmail_ShowsTheEmailSubjectAndBody()
    {
        await app.CreateContactAsync("+1 202 555 0143", optedIn: false, email: "warga@example.id");
        await app.PermitReadyAsync("+1 202 555 0143");
        await app.SendAndSettleAsync();

        using var browser = Browser();
        var html = await HtmlAsync(await browser.GetAsync("/sandbox/12025550143"));

        var outbox = app.Services.GetRequiredService<Kabar.Channels.EmailOutbox>();
        var entry = Assert.Single(outbox.List("warga@example.id"));
        Assert.Contains("data-testid=\"email\"", html);
        Assert.Contains(WebUtility.HtmlEncode(entry.Subject), html);
        Assert.Contains("503/0186/IUM/2026", html);
        Assert.Matches("<a href=\"[^\"]*/opt-in/[^\"]+\">", html);
    }

    [Fact]
    public async Task Reply_MulaiPostedThroughThePage_ArrivesAsSignedInboundWebhook_AndGrantsConsent()
    {
        var id = await app.CreateContactAsync("081277775004", optedIn: false);
        using var browser = Browser();
        var page = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775004"));

        using var reply = await browser.PostAsync("/sandbox/6281277775004?handler=Reply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page),
            ["Text"] = "MULAI",
        }));

        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        Assert.Equal("/sandbox/6281277775004#reply", reply.Headers.Location?.OriginalString);
        await app.Services.GetRequiredService<CloudApiSimulator>().WhenIdleAsync();
        await app.ApplyStatusesAsync();
        var contact = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.NotNull(contact.LastInboundAt);
        Assert.Equal(ConsentState.Granted, contact.WhatsAppConsent);
        var inbound = Assert.Single(await app.WithDbAsync(d => d.InboundMessages.AsNoTracking().ToListAsync()));
        Assert.Equal(Assert.Single(app.Simulator().Sent("+6281277775004")).Id, inbound.Wamid);

        var after = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775004"));
        Assert.Matches("class=\"bubble out\"[\\s\\S]*MULAI", after);
    }

    [Fact]
    public async Task Reply_Markup_IsShownAsTextNotHtml()
    {
        using var browser = Browser();
        var page = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775005"));
        using var reply = await browser.PostAsync("/sandbox/6281277775005?handler=Reply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page),
            ["Text"] = "Halo <script>alert(1)</script> javascript:alert(2) \"http://x.example/\"><b>",
        }));
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);

        var html = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775005"));
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("href=\"javascript", html);
    }

    [Fact]
    public async Task Reply_WithoutAntiforgeryToken_IsRefusedAndSendsNothing()
    {
        using var browser = Browser();
        using var reply = await browser.PostAsync("/sandbox/6281277775006?handler=Reply",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Text"] = "STOP" }));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Empty(app.Simulator().Sent("+6281277775006"));
    }

    [Fact]
    public async Task Reply_Empty_ShowsTheErrorNextToTheBoxAndSendsNothing()
    {
        using var browser = Browser();
        var page = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775007"));
        using var reply = await browser.PostAsync("/sandbox/6281277775007?handler=Reply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page),
            ["Text"] = "   ",
        }));

        var html = await HtmlAsync(reply, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("id=\"reply-error\"", html);
        Assert.Contains("Tulis pesan dulu.", html);
        Assert.Empty(app.Simulator().Sent("+6281277775007"));
    }

    [Fact]
    public async Task ChooseNumber_Typed_GoesToItsPhone_BadOneShowsTheErrorNextToTheField()
    {
        await app.CreateContactAsync("081277775008", optedIn: false);
        using var browser = Browser();

        var index = await HtmlAsync(await browser.GetAsync("/sandbox"));
        Assert.Contains("href=\"/sandbox/6281277775008\"", index);
        Assert.Contains("+6281277775008", WebUtility.HtmlDecode(index));
        Assert.Contains("Warga", index);

        using var good = await browser.GetAsync("/sandbox?phone=0812-7777-5009");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/sandbox/6281277775009", good.Headers.Location?.OriginalString);

        var bad = await HtmlAsync(await browser.GetAsync("/sandbox?phone=12ab"), HttpStatusCode.UnprocessableEntity);
        Assert.Matches("<label for=\"phone\">[\\s\\S]*id=\"phone-error\"[^>]*>Nomor HP tidak dikenali[\\s\\S]*<input[^>]*id=\"phone\"[^>]*aria-invalid=\"true\"", bad);

        var english = await HtmlAsync(await browser.GetAsync("/sandbox?phone=12ab&lang=en"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("We do not recognise this mobile number.", english);
    }

    [Fact]
    public async Task PhoneView_NotANumber_Is404()
    {
        using var browser = Browser();
        using var letters = await browser.GetAsync("/sandbox/62812abc");
        using var tooShort = await browser.GetAsync("/sandbox/123");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (letters.StatusCode, tooShort.StatusCode));
    }

    [Fact]
    public async Task MessagesFragment_IsTheRefreshablePartsOnly()
    {
        app.Simulator().Inbound(new InboundRequest("+6281277775010", "Halo kantor"));
        using var browser = Browser();

        var fragment = await HtmlAsync(await browser.GetAsync("/sandbox/6281277775010?handler=Messages"));

        Assert.DoesNotContain("<html", fragment);
        Assert.DoesNotContain("<form", fragment);
        foreach (var id in new[] { "sandbox-chat", "sandbox-sms", "sandbox-email" })
        {
            Assert.Contains($"id=\"{id}\"", fragment);
        }

        Assert.Contains("Halo kantor", fragment);
    }

    [Fact]
    public async Task Page_IsSmallAndLoadsOnlyItsOwnAssets()
    {
        await app.CreateContactAsync("081277775011", optedIn: true);
        for (var i = 0; i < 5; i++)
        {
            await app.PermitReadyAsync("081277775011");
        }

        await app.SendAndSettleAsync();
        using var browser = Browser();
        using var response = await browser.GetAsync("/sandbox/6281277775011");
        var html = await HtmlAsync(response);

        Assert.True(html.Length < 100_000, $"{html.Length} characters");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("/js/sandbox.js", html);
        Assert.Contains("/css/sandbox.css", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("style=", html);
        using var script = await browser.GetAsync("/js/sandbox.js");
        using var css = await browser.GetAsync("/css/sandbox.css");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (script.StatusCode, css.StatusCode));
    }

    [Fact]
    public async Task Page_BusyPhone_ShowsTheNewestAndStaysUnder100KB()
    {
        const string phone = "+6281277775014";
        for (var i = 0; i < 80; i++)
        {
            app.Simulator().Inbound(new InboundRequest(phone, $"Pesan nomor {i}: kapan izin saya selesai? Mohon kabari lewat WhatsApp, terima kasih banyak."));
        }

        var sms = app.Sms();
        for (var i = 0; i < 40; i++)
        {
            sms.Take(new Kabar.Channels.SmsMessage(phone, $"SMS {i}: Yth. Warga, izin Anda telah terbit. Unduh: https://perizinan.example.id/izin/{i} " +
                "Terima info ini lewat WhatsApp: http://127.0.0.1:5080/opt-in/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", $"ref-{i}"));
        }

        await app.CreateContactAsync(phone, optedIn: false, email: "sibuk@example.id");
        Directory.CreateDirectory(app.Outbox);
        for (var i = 0; i < 15; i++)
        {
            var mail = new MimeKit.MimeMessage { Subject = $"Izin Anda telah terbit: {i}", Date = app.Time.GetUtcNow().AddMinutes(i) };
            mail.From.Add(MimeKit.MailboxAddress.Parse("kabar@example.id"));
            mail.To.Add(MimeKit.MailboxAddress.Parse("sibuk@example.id"));
            mail.Body = new MimeKit.TextPart("plain") { Text = string.Concat(Enumerable.Repeat("Izin Usaha Mikro Anda telah terbit. ", 30)) };
            await mail.WriteToAsync(Path.Combine(app.Outbox, $"mail-{i}.eml"));
        }

        using var browser = Browser();
        using var response = await browser.GetAsync("/sandbox/6281277775014");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var html = System.Text.Encoding.UTF8.GetString(bytes);

        Assert.True(bytes.Length < 100_000, $"{bytes.Length} bytes");
        Assert.Contains("Pesan nomor 79:", html);
        Assert.DoesNotContain("Pesan nomor 0:", html);
        Assert.Contains("SMS 39:", html);
        Assert.Contains("Izin Anda telah terbit: 14", html);
        Assert.Contains("60 pesan terakhir dari 80.", html);
    }

    [Fact]
    public async Task FromAnotherMachine_Is403()
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/sandbox/6281277775012";
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        });

        Assert.Equal(403, context.Response.StatusCode);
    }

    [Fact]
    public void Linkify_EncodesText_LinksOnlyHttpUrls_LeavesTheFullStopOutside()
    {
        using var writer = new StringWriter();
        SandboxText.Linkify("Buka http://127.0.0.1:5080/opt-in/abc?x=1&y=2. <i>javascript:alert(1)</i>")
            .WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);

        Assert.Equal("Buka <a href=\"http://127.0.0.1:5080/opt-in/abc?x=1&amp;y=2\">http://127.0.0.1:5080/opt-in/abc?x=1&amp;y=2</a>. " +
            "&lt;i&gt;javascript:alert(1)&lt;/i&gt;", writer.ToString());
    }

    [Fact]
    public void RenderTemplate_SubstitutesPositionalParameters()
    {
        Assert.Equal("Yth. Siti, izin 503 terbit. {{3}}", SandboxText.RenderTemplate("Yth. {{1}}, izin {{2}} terbit. {{3}}", ["Siti", "503"]));
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}

/// <summary>With real WhatsApp credentials there is no simulator, so no sandbox phone either.</summary>
public sealed class SandboxWithRealWhatsAppTests(PostgresServer postgres)
{
    [Fact]
    public async Task RealCredentials_SandboxRoutesAre404()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = Meta.PhoneNumberId,
            ["Kabar:WhatsApp:Numbers:0:AccessToken"] = "EAAG-real-token",
        });
        using var client = app.CreateClient();

        using var index = await client.GetAsync("/sandbox");
        using var phone = await client.GetAsync("/sandbox/6281277775013");
        using var fragment = await client.GetAsync("/sandbox/6281277775013?handler=Messages");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            (index.StatusCode, phone.StatusCode, fragment.StatusCode));
    }
}
