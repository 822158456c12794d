using Kabar.Admin;
using Kabar.Inbox;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// The inbox in Chromium as an operator on a 360 px phone uses it: a person's question, a quick
/// reply picked and edited, the answer on the person's WhatsApp; a closed window that disables the
/// box and says why. axe-core finds nothing at 360 px or at 1366 px.
/// </summary>
public sealed class InboxBrowserTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    private const string Rina = "+6281277790101";
    private const string Question = "Kapan izin reklame saya selesai?";

    private async Task AskAsync()
    {
        App.Simulator().Inbound(new InboundRequest(Rina, Question, "Rina Ginting"));
        await App.Simulator().WhenIdleAsync();
    }

    [Fact]
    public async Task ReplyInsideTheWindow_WithAQuickReplyEdited_ReachesThePersonOnWhatsApp()
    {
        await AskAsync();
        await App.WithDbAsync(async d =>
        {
            d.QuickReplies.Add(new QuickReply
            {
                Id = Guid.NewGuid(),
                Title = "Jam layanan",
                Text = "Kantor buka Senin–Jumat, 08.00–15.00 WIB.",
                UpdatedBy = "kasi@karokab.go.id",
                CreatedAt = App.Time.GetUtcNow().UtcDateTime,
                UpdatedAt = App.Time.GetUtcNow().UtcDateTime,
            });
            return await d.SaveChangesAsync();
        });
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");

        await Page.GetByTestId("menu-inbox").ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Kotak masuk WhatsApp");
        var message = Page.GetByTestId("inbox-message");
        await Assertions.Expect(message).ToHaveCountAsync(1);
        await Assertions.Expect(message).ToContainTextAsync(Question);
        await Assertions.Expect(message).ToContainTextAsync("Belum dijawab");
        await Assertions.Expect(message).ToContainTextAsync("terbuka, sisa 23 jam 55 menit (sampai 26-11-2026 09:55 WIB)");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-inbox");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Balas Rina Ginting" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Jam layanan" }).ClickAsync();
        var box = Page.GetByLabel("Jawaban", new() { Exact = true });
        await Assertions.Expect(box).ToHaveValueAsync("Kantor buka Senin–Jumat, 08.00–15.00 WIB.");
        const string answer = "Kantor buka Senin–Jumat, 08.00–15.00 WIB. Izin reklame Anda selesai Jumat ini.";
        await box.FillAsync(answer);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim jawaban" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Jawaban masuk antrean dan dikirim lewat WhatsApp.");
        await Assertions.Expect(Page.GetByTestId("answer")).ToContainTextAsync("dalam antrean");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-inbox-conversation");

        await App.DispatchAsync();
        var sent = Assert.Single(App.WhatsAppTo(Rina), m => m.Type == "text");
        Assert.Equal(answer, sent.Text);
        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByTestId("answer")).ToContainTextAsync("jawaban petugas");
        await Assertions.Expect(Page.GetByTestId("answer")).ToContainTextAsync("terkirim");
        await Page.GotoAsync("/admin/inbox");
        await Assertions.Expect(Page.GetByTestId("inbox-message")).ToContainTextAsync("Sudah dijawab");
    }

    [Fact]
    public async Task ReplyOutsideTheWindow_TheBoxIsDisabled_AndSaysWhyAndWhatElse()
    {
        await AskAsync();
        App.Time.Advance(TimeSpan.FromHours(25));
        await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas@karokab.go.id");

        await Page.GotoAsync("/admin/inbox");
        var message = Page.GetByTestId("inbox-message");
        await Assertions.Expect(message).ToContainTextAsync("tertutup sejak 26-11-2026 09:55 WIB");
        await Axe.AssertAtBothWidthsAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Lihat percakapan Rina Ginting" }).ClickAsync();

        await Assertions.Expect(Page.GetByTestId("reply-closed")).ToContainTextAsync("Jendela 24 jam sudah tertutup");
        await Assertions.Expect(Page.GetByLabel("Jawaban lewat WhatsApp")).ToBeDisabledAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Kirim jawaban" })).ToBeDisabledAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Notifikasi orang ini" })).ToBeVisibleAsync();
        await Axe.AssertAtBothWidthsAsync(Page);
        await Browser.ScreenshotAsync(Page, "admin-inbox-closed");

        // The answer goes by SMS instead, through the queue like any notification.
        const string answer = "Izin reklame Anda sudah terbit, silakan ambil di loket 3.";
        await Page.GetByLabel("Jawaban lewat SMS ke +62812****0101").FillAsync(answer);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kirim lewat SMS" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Jawaban masuk antrean dan dikirim lewat SMS.");
        await App.DispatchAsync();
        Assert.StartsWith("DPMPTSP Kabupaten Karo: " + answer, Assert.Single(App.Sms().Received(Rina)).Text, StringComparison.Ordinal);
        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByTestId("answer")).ToContainTextAsync("jawaban petugas · SMS");

        await Page.GetByRole(AriaRole.Link, new() { Name = "EN", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("reply-closed")).ToContainTextAsync("The 24-hour window has closed");
        await Assertions.Expect(Page.GetByTestId("window")).ToHaveTextAsync("closed since 26-11-2026 09:55 WIB");
        await Axe.AssertAtBothWidthsAsync(Page);
        Assert.DoesNotContain(App.WhatsAppTo(Rina), m => m.Type == "text");
    }
}
