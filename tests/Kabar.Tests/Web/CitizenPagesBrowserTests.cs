using System.Net;
using System.Net.Http.Json;
using Kabar.Consent;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Web.CitizenPages;

namespace Kabar.Tests.Web;

/// <summary>
/// The citizen pages in headless Chromium against a Kabar listening on a real socket: the form,
/// the opt-in and stop links, as a person on a 360 px phone uses them. Each test saves
/// screenshots of the pages it visits at 360 px and 1280 px (<see cref="Browser.ScreenshotDirectory"/>).
/// </summary>
public sealed class CitizenPagesBrowserTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    [Fact]
    public async Task Register_WithTheBoxTicked_RecordsConsentWithEvidence_AndTheAcknowledgementGoesOnWhatsApp()
    {
        const string phone = "+6281230000001";
        await Page.GotoAsync("/daftar");
        await Browser.ScreenshotAsync(Page, "daftar");
        Assert.False(await Page.GetByRole(AriaRole.Checkbox).IsCheckedAsync(), "The WhatsApp box must start unticked.");
        var consentText = await Page.GetByTestId("consent-text").InnerTextAsync();
        Assert.Contains(Office, consentText, StringComparison.Ordinal);
        Assert.Contains("STOP", consentText, StringComparison.Ordinal);

        await RegisterAsync(Page, "Siti Aminah", "0812-3000-0001", tick: true);
        await Browser.ScreenshotAsync(Page, "daftar-selesai-whatsapp");
        var reference = await Page.GetByTestId("reference").InnerTextAsync();
        Assert.Contains("lewat WhatsApp", await Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var userAgent = await Page.EvaluateAsync<string>("navigator.userAgent");

        var contact = await ContactAsync(App, phone);
        Assert.Equal(ConsentState.Granted, contact.WhatsAppConsent);
        Assert.Equal("Siti Aminah", contact.Name);
        var grant = Assert.Single(await EventsAsync(App, contact.Id));
        Assert.Equal(ConsentSource.RegistrationForm, grant.Source);
        Assert.Equal(BuiltInConsentTexts.RegistrationFormVersion, grant.TextVersion);
        Assert.Equal("127.0.0.1", grant.Ip);
        Assert.Equal(userAgent, grant.UserAgent);
        var registration = await App.WithDbAsync(db => db.Registrations.AsNoTracking().SingleAsync());
        Assert.Equal(reference, registration.Reference);
        Assert.True(registration.WhatsAppConsent);
        Assert.Equal(PermitType, registration.PermitType);
        Assert.Equal(grant.Id, registration.ConsentEventId);

        await App.DispatchAsync();
        var message = Assert.Single(App.WhatsAppTo(phone));
        Assert.Equal("status_update", message.TemplateName);
        Assert.Contains(reference, message.Parameters);
        Assert.Empty(App.Sms().Received(phone));
    }

    [Fact]
    public async Task Register_WithoutTheTick_RecordsNoConsent_AndTheSmsCarriesTheOptInAndStopLinks()
    {
        const string phone = "+6281230000002";
        await RegisterAsync(Page, "Budi Santoso", "081230000002", tick: false);
        await Browser.ScreenshotAsync(Page, "daftar-selesai-sms");
        var main = await Page.Locator("main").InnerTextAsync();
        Assert.Contains("lewat SMS", main, StringComparison.Ordinal);
        Assert.Contains("+62812****0002", main, StringComparison.Ordinal);

        var contact = await ContactAsync(App, phone);
        Assert.Equal(ConsentState.Unknown, contact.WhatsAppConsent);
        Assert.Empty(await EventsAsync(App, contact.Id));
        Assert.False((await App.WithDbAsync(db => db.Registrations.AsNoTracking().SingleAsync())).WhatsAppConsent);

        await App.DispatchAsync();
        Assert.Empty(App.WhatsAppTo(phone));
        var sms = LastSms(App, phone);
        OnlyLink(OptInLink(), sms);
        OnlyLink(OptOutLink(), sms);
    }

    [Fact]
    public async Task Register_WithMistakes_ShowsEachMessageNextToItsField_InIndonesianOrEnglish_AndRecordsNothing()
    {
        await Page.GotoAsync("/daftar");
        await Page.GetByLabel("Nomor HP").FillAsync("12");
        await Page.GetByLabel("Email (tidak wajib)").FillAsync("siti@");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim pendaftaran" }).ClickAsync();
        await Browser.ScreenshotAsync(Page, "daftar-kesalahan");

        Assert.Equal("Tulis nama lengkap Anda.", await Page.Locator("#name-error").InnerTextAsync());
        Assert.StartsWith("Nomor HP tidak dikenali", await Page.Locator("#phone-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Alamat email tidak valid", await Page.Locator("#email-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Pilih jenis izin yang Anda ajukan.", await Page.Locator("#permitType-error").InnerTextAsync());
        Assert.Equal("true", await Page.GetByLabel("Nomor HP").GetAttributeAsync("aria-invalid"));
        Assert.Contains("phone-error", await Page.GetByLabel("Nomor HP").GetAttributeAsync("aria-describedby") ?? "", StringComparison.Ordinal);
        Assert.Equal("12", await Page.GetByLabel("Nomor HP").InputValueAsync());
        Assert.Equal("error-summary", await Page.EvaluateAsync<string>("document.activeElement.id"));

        await Page.GotoAsync("/daftar?lang=en");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit registration" }).ClickAsync();
        Assert.Equal("Enter your full name.", await Page.Locator("#name-error").InnerTextAsync());
        Assert.Equal("en", await Page.Locator("html").GetAttributeAsync("lang"));

        Assert.Equal(0, await App.WithDbAsync(db => db.Registrations.CountAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task BrowserLanguage_English_GetsTheEnglishForm()
    {
        await using var english = await Chromium.NewContextAsync(App.BaseUrl, locale: "en-US");
        var p = await english.NewPageAsync();
        await p.GotoAsync("/daftar");
        Assert.Equal("Permit registration", await p.Locator("h1").InnerTextAsync());
        Assert.Contains(Office, await p.GetByTestId("consent-text").InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(p, "daftar-en");
    }

    [Fact]
    public async Task OptInLink_APlainFetchChangesNothing_ConfirmingGrantsOnce_AndTheNextNoticeComesOnWhatsApp()
    {
        const string phone = "+6281230000004";
        var link = await SmsWithOptInLinkAsync(App, phone);
        var contact = await ContactAsync(App, phone);

        // A link preview or a mail scanner fetches the link: nothing changes.
        using (var preview = new HttpClient())
        {
            using var fetched = await preview.GetAsync(App.BaseUrl + PathOf(link));
            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
            Assert.Equal("no-referrer", fetched.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("no-store", fetched.Headers.CacheControl?.ToString());
            Assert.Contains("default-src 'self'", fetched.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        Assert.Equal(ConsentState.Unknown, (await ContactAsync(App, phone)).WhatsAppConsent);
        Assert.Empty(await EventsAsync(App, contact.Id));
        Assert.Null((await App.WithDbAsync(db => db.OptInTokens.AsNoTracking().SingleAsync())).UsedAt);

        // A second tab opened before confirming: its button must not grant twice.
        var stale = await Bounded(Context.NewPageAsync(), "open a page");
        await stale.GotoAsync(PathOf(link));

        await Page.GotoAsync(PathOf(link));
        await Browser.ScreenshotAsync(Page, "opt-in");
        Assert.Equal("Terima pemberitahuan lewat WhatsApp?", await Page.Locator("h1").InnerTextAsync());
        Assert.Contains(Office, await Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("https://wa.me/6281100000000?text=MULAI",
            await Page.GetByRole(AriaRole.Link, new() { Name = "Kirim MULAI ke kami di WhatsApp" }).GetAttributeAsync("href"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Terima kasih, Anda sudah setuju");
        await Browser.ScreenshotAsync(Page, "opt-in-selesai");
        var token = await App.WithDbAsync(db => db.OptInTokens.AsNoTracking().SingleAsync());
        Assert.NotNull(token.UsedAt);
        var grant = Assert.Single(await EventsAsync(App, contact.Id));
        Assert.Equal(ConsentSource.OptInLink, grant.Source);
        Assert.Equal(ConsentAction.Granted, grant.Action);
        Assert.Equal(token.Id.ToString(), grant.TokenId);
        Assert.Equal("127.0.0.1", grant.Ip);
        Assert.Equal(Kabar.Citizens.LinkConsentService.LinkTextVersion, grant.TextVersion);

        await stale.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await Assertions.Expect(stale.Locator("h1")).ToHaveTextAsync("Tautan ini sudah dipakai");
        await Page.GotoAsync(PathOf(link));
        Assert.Equal("Tautan ini sudah dipakai", await Page.Locator("h1").InnerTextAsync());
        await Browser.ScreenshotAsync(Page, "opt-in-sudah-dipakai");
        Assert.Single(await EventsAsync(App, contact.Id));

        await App.PermitReadyAsync(phone);
        await App.DispatchAsync();
        Assert.Equal("permit_ready", Assert.Single(App.WhatsAppTo(phone)).TemplateName);
    }

    [Fact]
    public async Task OptInLink_Expired_OffersClickToChatAndANewLinkOnce()
    {
        const string phone = "+6281230000005";
        var link = await SmsWithOptInLinkAsync(App, phone);
        App.Time.Advance(TimeSpan.FromDays(15));

        var response = await Page.GotoAsync(PathOf(link));
        Assert.Equal(410, response!.Status);
        Assert.Equal("Tautan ini sudah kedaluwarsa", await Page.Locator("h1").InnerTextAsync());
        Assert.StartsWith("https://wa.me/", await Page.GetByRole(AriaRole.Link, new() { Name = "Kirim MULAI lewat WhatsApp" }).GetAttributeAsync("href"), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "opt-in-kedaluwarsa");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim tautan baru lewat SMS/email" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Tautan baru akan dikirim");
        await App.DispatchAsync();
        var fresh = OnlyLink(OptInLink(), LastSms(App, phone));
        Assert.NotEqual(link, fresh);
        Assert.Equal(2, await App.WithDbAsync(db => db.OptInTokens.CountAsync()));

        // Asking again from the old link sends nothing more.
        await Page.GotoAsync(PathOf(link));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim tautan baru lewat SMS/email" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Tautan baru sudah dikirim");
        Assert.Equal(1, await App.WithDbAsync(db => db.Notifications.CountAsync(n => n.Type == NotificationCatalog.OptInRequest)));

        // The new link works.
        await Page.GotoAsync(PathOf(fresh));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Terima kasih, Anda sudah setuju");
        Assert.Equal(ConsentState.Granted, (await ContactAsync(App, phone)).WhatsAppConsent);
    }

    [Fact]
    public async Task UnknownLinks_GetAFriendlyPageWithTheWayForward()
    {
        var response = await Page.GotoAsync("/opt-in/" + new string('A', 43));
        Assert.Equal(404, response!.Status);
        Assert.Equal("Tautan tidak dikenal", await Page.Locator("h1").InnerTextAsync());
        Assert.Equal("/daftar", await Page.GetByRole(AriaRole.Link, new() { Name = "Ke formulir pendaftaran" }).GetAttributeAsync("href"));
        await Browser.ScreenshotAsync(Page, "opt-in-tidak-dikenal");

        response = await Page.GotoAsync("/opt-in/too-short");
        Assert.Equal(404, response!.Status);
        response = await Page.GotoAsync("/opt-out/" + new string('A', 43));
        Assert.Equal(404, response!.Status);
        Assert.Equal("Tautan tidak dikenal", await Page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task StopLink_GetOnlyShows_PostStopsWhatsApp_AndEssentialNoticesStillCome()
    {
        const string phone = "+6281230000007";
        await SmsWithOptInLinkAsync(App, phone);
        var stop = OnlyLink(OptOutLink(), LastSms(App, phone));
        var contact = await ContactAsync(App, phone);
        using (var api = App.Api())
        {
            using var granted = await api.PostAsJsonAsync($"/api/contacts/{contact.Id}/consent",
                new { scope = "whatsapp", granted = true, source = "api" });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }

        await Page.GotoAsync(PathOf(stop));
        await Browser.ScreenshotAsync(Page, "opt-out");
        Assert.Equal("Berhenti menerima pesan WhatsApp?", await Page.Locator("h1").InnerTextAsync());
        Assert.Contains("tetap kami kirim lewat SMS atau email", await Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(ConsentState.Granted, (await ContactAsync(App, phone)).WhatsAppConsent);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Ya, hentikan pesan WhatsApp" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pesan WhatsApp sudah dihentikan");
        await Browser.ScreenshotAsync(Page, "opt-out-selesai");
        var events = await EventsAsync(App, contact.Id);
        var withdrawal = events[^1];
        Assert.Equal(ConsentAction.Withdrawn, withdrawal.Action);
        Assert.Equal(ConsentSource.OptOutLink, withdrawal.Source);
        Assert.Equal("127.0.0.1", withdrawal.Ip);
        Assert.StartsWith("opt-out:", withdrawal.TokenId, StringComparison.Ordinal);

        // Again: already stopped, no second event.
        await Page.GotoAsync(PathOf(stop));
        Assert.Equal("Pesan WhatsApp sudah berhenti", await Page.Locator("h1").InnerTextAsync());
        Assert.Equal(events.Count, (await EventsAsync(App, contact.Id)).Count);

        var before = App.Sms().Received(phone).Count;
        await App.PermitReadyAsync(phone);
        await App.DispatchAsync();
        Assert.Empty(App.WhatsAppTo(phone));
        var sms = App.Sms().Received(phone);
        Assert.Equal(before + 1, sms.Count);
        Assert.DoesNotMatch(OptInLink(), sms[^1].Text);
    }

    /// <summary>
    /// Each Page, as a 360 px phone loads it: under 100 KB in all, no sideways scrolling, every
    /// control named by a label, text at a contrast of at least 4.5:1 against its background.
    /// </summary>
    [Fact]
    public async Task Pages_AreSmall_FitA360pxScreen_AreLabelled_AndReadable()
    {
        const string phone = "+6281230000010";
        var optIn = await SmsWithOptInLinkAsync(App, phone);
        var optOut = OnlyLink(OptOutLink(), LastSms(App, phone));
        foreach (var path in new[] { "/daftar", PathOf(optIn), PathOf(optOut), "/opt-in/" + new string('D', 43), "/sandbox", "/sandbox/" + phone.TrimStart('+') })
        {
            await Page.GotoAsync(path);
            var bytes = await Page.EvaluateAsync<double>(
                "performance.getEntries().filter(e => 'decodedBodySize' in e).reduce((s, e) => s + e.decodedBodySize, 0)");
            Assert.True(bytes is > 0 and < 100 * 1024, $"{path}: {bytes} bytes");
            Assert.True(await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path} scrolls sideways at 360 px");

            var unnamed = await Page.EvaluateAsync<string[]>("""
                [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a')]
                  .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim()))
                  .map(e => e.outerHTML)
                """);
            Assert.True(unnamed.Length == 0, $"{path}: unnamed controls {string.Join(' ', unnamed)}");

            var poor = await Page.EvaluateAsync<string[]>("""
                (() => {
                  const rgb = c => c.match(/[\d.]+/g).map(Number);
                  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                  const background = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (rgb(c)[3] !== 0 && c !== 'transparent') return rgb(c); } return [255, 255, 255]; };
                  return [...document.querySelectorAll('h1, h2, p, label, dt, dd, li, a, button, .hint, .error, .office, span')]
                    .filter(e => e.textContent.trim() && e.offsetParent !== null)
                    .map(e => { const f = lum(rgb(getComputedStyle(e).color)), b = lum(background(e)); return [e, (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05)]; })
                    .filter(([, ratio]) => ratio < 4.5)
                    .map(([e, ratio]) => e.tagName + '.' + e.className + ' ' + ratio.toFixed(2));
                })()
                """);
            Assert.True(poor.Length == 0, $"{path}: low contrast {string.Join(", ", poor)}");
        }
    }

    [Fact]
    public async Task Form_IsUsableByKeyboard_InReadingOrder()
    {
        await Page.GotoAsync("/daftar");
        var order = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            order.Add(await Page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.textContent.trim()"));
        }

        Assert.Equal(["Langsung ke isi", "Indonesia", "English", "name", "phone", "email", "permitType", "whatsAppConsent", "Kirim pendaftaran"], order);

        // The whole form can be filled and sent without a mouse.
        await Page.Keyboard.PressAsync("Shift+Tab");
        await Page.Keyboard.PressAsync("Space");
        Assert.True(await Page.GetByRole(AriaRole.Checkbox).IsCheckedAsync());
        await Page.Locator("#name").FocusAsync();
        await Page.Keyboard.TypeAsync("Rina");
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.TypeAsync("081230000011");
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("ArrowDown");
        await Page.Locator("#whatsAppConsent").FocusAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Pendaftaran diterima");
        Assert.Equal("done", await Page.EvaluateAsync<string>("document.activeElement.id"));
        Assert.Equal(ConsentState.Granted, (await ContactAsync(App, "+6281230000011")).WhatsAppConsent);
    }

    /// <summary>
    /// The whole flow on a fresh machine, seen on the sandbox phone: register without the tick, get
    /// an SMS with a link, confirm, and the next notice arrives on WhatsApp; then reply from the phone.
    /// </summary>
    [Fact]
    public async Task Sandbox_RegisterUnticked_SmsLink_Confirm_ThenTheNextNoticeArrivesOnWhatsApp()
    {
        const string phone = "+6281230000020";
        await RegisterAsync(Page, "Rina Ginting", "0812 3000 0020", tick: false);
        await App.DispatchAsync();

        await Page.GotoAsync("/sandbox");
        await Browser.ScreenshotAsync(Page, "sandbox");
        await Page.GetByLabel("Nomor HP").FillAsync("0812 3000 0020");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Buka ponsel" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("phone-number")).ToHaveTextAsync(phone);
        var sms = Page.GetByTestId("sms");
        await Assertions.Expect(sms).ToHaveCountAsync(1);
        Assert.Contains("Diterima", await sms.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Page.GetByTestId("chat-message").CountAsync());
        await Browser.ScreenshotAsync(Page, "sandbox-ponsel-sms");

        // Tap the link in the SMS, as the person would.
        await sms.Locator("a[href*='/opt-in/']").ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Terima pemberitahuan lewat WhatsApp?");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ya, saya setuju" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Terima kasih, Anda sudah setuju");

        await App.PermitReadyAsync(phone);
        await App.SendAndSettleAsync();
        await Page.GotoAsync("/sandbox/" + phone.TrimStart('+'));
        var chat = Page.GetByTestId("chat-message");
        await Assertions.Expect(chat).ToHaveCountAsync(1);
        var notice = await chat.InnerTextAsync();
        Assert.Contains("permit_ready", notice, StringComparison.Ordinal);
        Assert.Contains("503/0186/IUM/2026", notice, StringComparison.Ordinal);
        await Assertions.Expect(Page.GetByTestId("sms")).ToHaveCountAsync(1);

        // A reply from the phone arrives at Kabar as a signed inbound webhook and opens the window.
        await Page.GetByLabel("Balas sebagai warga").FillAsync("Terima kasih, sudah saya terima");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim", Exact = true }).ClickAsync();
        await App.Simulator().WhenIdleAsync();
        await Page.GotoAsync("/sandbox/" + phone.TrimStart('+'));
        await Assertions.Expect(Page.GetByTestId("chat-message")).ToHaveCountAsync(2);
        Assert.Contains("Terima kasih, sudah saya terima", await Page.GetByTestId("chat-message").Nth(1).InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotNull((await ContactAsync(App, phone)).LastInboundAt);
        await Browser.ScreenshotAsync(Page, "sandbox-ponsel-whatsapp");
    }
}
