using System.Net;
using Kabar.Admin;
using Kabar.Inbox;
using Kabar.Notifications;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// The console's inbox over HTTP: a person writes through the sandbox, an operator answers, the
/// answer goes through the decision and the queue to the person's WhatsApp; viewers cannot answer,
/// a closed window refuses with its reason, and admins keep the quick replies.
/// </summary>
public sealed class InboxReplyTests(PostgresServer postgres)
{
    private const string Rina = "+6281277790001";
    private const string Question = "Kapan izin reklame saya selesai?";

    private static async Task<(KabarApp App, Guid ContactId)> StartWithQuestionAsync(PostgresServer postgres, Db db = Db.Sqlite)
    {
        var app = await KabarApp.StartAsync(db, postgres, ConsoleVisitor.Settings(), kestrel: true);
        app.Simulator().Inbound(new InboundRequest(Rina, Question, "Rina"));
        await app.Simulator().WhenIdleAsync();
        var id = await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == Rina).Select(c => c.Id).SingleAsync());
        return (app, id);
    }

    private static async Task<ConsoleVisitor> SignedInAsync(KabarApp app, string email, string role)
    {
        await AddOperatorAsync(app, email, role);
        var visitor = new ConsoleVisitor(app, "203.0.113.20");
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, Password)).Status);
        return visitor;
    }

    /// <summary>The answer is logged with <paramref name="mark"/> (the masked operator, the channel), never with the number or the text.</summary>
    private static void AssertAnswerLoggedMasked(KabarApp app, string mark, string answer)
    {
        Assert.Contains(app.Logs.Lines, l => l.Contains("answered contact", StringComparison.Ordinal) && l.Contains(mark, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("6281277790001", StringComparison.Ordinal) || l.Contains(answer, StringComparison.Ordinal));
    }

    private static Task<List<Notification>> AnswersAsync(KabarApp app, Guid contactId) =>
        app.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.ContactId == contactId && n.Type == SystemNotificationTypes.InboxReply).ToListAsync());

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Reply_InsideTheWindow_GoesThroughTheQueueAsServiceWindowText_AndMarksTheMessageAnswered(Db db)
    {
        var (app, id) = await StartWithQuestionAsync(postgres, db);
        await using var owned = app;
        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);

        var (status, inbox) = await petugas.PageAsync("/admin/inbox");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Question, inbox, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"unanswered\"", inbox, StringComparison.Ordinal);
        Assert.Contains("62812****0001", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("6281277790001", inbox, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"menu-inbox\">Kotak masuk <span class=\"badge warn\">1<", inbox);

        const string answer = "Izin reklame Anda sedang diperiksa dan selesai paling lambat Jumat.";
        var form = new Dictionary<string, string> { ["Text"] = answer, ["ReplyKey"] = Guid.NewGuid().ToString("N") };
        var (sent, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}", new(form));
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        Assert.Equal($"/admin/inbox/{id}?sent=1", sent.Location);
        // The same form sent again (a double click, a reload) queues nothing more.
        await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}", new(form));

        var queued = Assert.Single(await AnswersAsync(app, id));
        Assert.Equal((MessageKind.Text, NotificationState.Queued, "service_window", answer), (queued.Kind, queued.State, queued.Reason, queued.Body));
        Assert.NotNull(queued.DecisionJson);

        await app.SendAndSettleAsync();
        var message = Assert.Single(app.WhatsAppTo(Rina), m => m.Type == "text");
        Assert.Equal(answer, message.Text);
        var done = Assert.Single(await AnswersAsync(app, id));
        Assert.Contains(done.State, new[] { NotificationState.Sent, NotificationState.Delivered, NotificationState.Read });
        Assert.Equal("service_window", await app.WithDbAsync(d => d.DeliveryAttempts.Where(a => a.NotificationId == done.Id).Select(a => a.Reason).SingleAsync()));

        (_, inbox) = await petugas.PageAsync("/admin/inbox");
        Assert.Contains("data-testid=\"answered\"", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"unanswered\"", inbox, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"menu-inbox\">Kotak masuk</a>", inbox, StringComparison.Ordinal);
        AssertAnswerLoggedMasked(app, "p***@karokab.go.id", answer);
    }

    [Fact]
    public async Task Reply_FromAViewer_Is403_AndQueuesNothing()
    {
        var (app, id) = await StartWithQuestionAsync(postgres);
        await using var owned = app;
        using var tamu = await SignedInAsync(app, "tamu@karokab.go.id", OperatorRoles.Viewer);

        var (status, page) = await tamu.PageAsync($"/admin/inbox/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Question, page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"reply-form\"", page, StringComparison.Ordinal);

        var (answer, _) = await tamu.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}",
            new() { ["Text"] = "Jawaban dari akun baca saja", ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        // Like every console form: the refusal leads to the page that answers 403.
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.StartsWith("/admin/denied", new Uri(new Uri(app.BaseUrl), answer.Location).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await tamu.PageAsync(answer.Location!)).Status);
        Assert.Empty(await AnswersAsync(app, id));
    }

    [Fact]
    public async Task Reply_AfterTheWindowClosed_IsRefusedWithTheReason_AndQueuesNothing()
    {
        var (app, id) = await StartWithQuestionAsync(postgres);
        await using var owned = app;
        app.Time.Advance(TimeSpan.FromHours(24));
        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);

        var (_, page) = await petugas.PageAsync($"/admin/inbox/{id}");
        Assert.Contains("data-testid=\"reply-closed\"", page, StringComparison.Ordinal);
        Assert.Contains("Jendela 24 jam sudah tertutup", page, StringComparison.Ordinal);
        Assert.Matches("<textarea[^>]*disabled", page);
        Assert.Contains("tertutup sejak 26-11-2026 09:55 WIB", page, StringComparison.Ordinal);

        var (refused, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}",
            new() { ["Text"] = "Izin Anda sudah terbit.", ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.StartsWith("Jendela 24 jam sudah tertutup", refused.Alert, StringComparison.Ordinal);
        Assert.Empty(await AnswersAsync(app, id));
    }

    [Fact]
    public async Task Reply_QueuedJustBeforeTheWindowCloses_IsNotSentLateNorBySms()
    {
        var (app, id) = await StartWithQuestionAsync(postgres);
        await using var owned = app;
        app.Time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(54));
        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);
        var (sent, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}",
            new() { ["Text"] = "Silakan datang ke loket 3.", ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);

        // The dispatcher decides again when it claims the answer: by then the window has closed.
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.DispatchAsync();
        var answer = Assert.Single(await AnswersAsync(app, id));
        Assert.Equal((NotificationState.Skipped, "window_closed"), (answer.State, answer.Reason));
        Assert.DoesNotContain(app.WhatsAppTo(Rina), m => m.Type == "text");
        Assert.Empty(app.Sms().Received(Rina));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AnswerBySms_AfterTheWindowClosed_ReachesThePhoneWithTheOfficesName_AndMarksTheMessageAnswered(Db db)
    {
        var (app, id) = await StartWithQuestionAsync(postgres, db);
        await using var owned = app;
        app.Time.Advance(TimeSpan.FromHours(30));
        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);

        var (_, page) = await petugas.PageAsync($"/admin/inbox/{id}");
        Assert.Contains("data-testid=\"other-form\"", page, StringComparison.Ordinal);
        Assert.Contains("Jawaban lewat SMS ke +62812****0001", WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        const string answer = "Izin reklame Anda sudah terbit, silakan ambil di loket 3.";
        var form = new Dictionary<string, string> { ["Text"] = answer, ["ReplyKey"] = Guid.NewGuid().ToString("N") };
        var (sent, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other", new(form));
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        Assert.Equal($"/admin/inbox/{id}?sent=sms", sent.Location);
        await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other", new(form));

        var queued = Assert.Single(await OtherAnswersAsync(app, id));
        Assert.Equal((MessageKind.Text, Kabar.Decisions.Channel.Sms, "window_closed", "window_closed", LegalBasis.PublicTask),
            (queued.Kind, queued.Channel, queued.Reason, queued.FallbackReason, queued.Basis));

        await app.DispatchAsync();
        var sms = Assert.Single(app.Sms().Received(Rina));
        Assert.StartsWith("DPMPTSP Kabupaten Karo: " + answer + "\nBerhenti pesan WhatsApp: ", sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.WhatsAppTo(Rina), m => m.Type == "text");
        Assert.Equal(NotificationState.Sent, (await OtherAnswersAsync(app, id)).Single().State);

        (_, page) = await petugas.PageAsync($"/admin/inbox/{id}");
        Assert.Contains("jawaban petugas · <span title=\"sms\">SMS</span>", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        var (_, inbox) = await petugas.PageAsync("/admin/inbox");
        Assert.Contains("data-testid=\"answered\"", inbox, StringComparison.Ordinal);
        AssertAnswerLoggedMasked(app, "by Sms", answer);
    }

    [Fact]
    public async Task AnswerBySms_LongerThanTheLimit_OrWhileTheWindowIsOpen_IsRefused_AndQueuesNothing()
    {
        var (app, id) = await StartWithQuestionAsync(postgres);
        await using var owned = app;
        using (var early = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator))
        {
            var (open, _) = await early.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other",
                new() { ["Text"] = "Lewat SMS saja", ["ReplyKey"] = Guid.NewGuid().ToString("N") });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, open.Status);
            Assert.Contains("Jendela 24 jam terbuka lagi", open.Alert, StringComparison.Ordinal);
        }

        app.Time.Advance(TimeSpan.FromHours(25));
        using var petugas = await SignedInAsync(app, "petugas2@karokab.go.id", OperatorRoles.Operator);
        var (tooLong, html) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other",
            new() { ["Text"] = new string('a', Kabar.Pages.Admin.ConversationModel.SmsTextMax + 1), ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.Status);
        Assert.Equal($"Tulis jawabannya (paling banyak {Kabar.Pages.Admin.ConversationModel.SmsTextMax} huruf).", tooLong.Alert);
        // What was typed stays in the box to be shortened.
        Assert.Contains(new string('a', Kabar.Pages.Admin.ConversationModel.SmsTextMax + 1), html, StringComparison.Ordinal);
        Assert.Empty(await OtherAnswersAsync(app, id));
        Assert.Empty(await AnswersAsync(app, id));
    }

    [Fact]
    public async Task AnswerByEmail_ForANumberSmsCannotReach_GoesToTheAddress_AndWithoutOne_TheFormIsNotOffered()
    {
        var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        await using var owned = app;
        const string foreign = "+14155550100";
        app.Simulator().Inbound(new InboundRequest(foreign, Question, "Jane"));
        await app.Simulator().WhenIdleAsync();
        var id = await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == foreign).Select(c => c.Id).SingleAsync());
        app.Time.Advance(TimeSpan.FromHours(25));
        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);

        var (_, page) = await petugas.PageAsync($"/admin/inbox/{id}");
        Assert.Contains("data-testid=\"no-other\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"other-form\"", page, StringComparison.Ordinal);
        var (refused, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other",
            new() { ["Text"] = "Jawaban", ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("tidak punya nomor yang bisa menerima SMS maupun alamat email", refused.Alert, StringComparison.Ordinal);

        await app.WithDbAsync(async d =>
        {
            await d.Contacts.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Email, "jane@example.org"));
            return 0;
        });
        (_, page) = await petugas.PageAsync($"/admin/inbox/{id}");
        Assert.Contains("Jawaban lewat email ke j***@example.org", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        const string answer = "Your permit is ready at counter 3.";
        var (sent, _) = await petugas.PostFormAsync($"/admin/inbox/{id}", $"/admin/inbox/{id}?handler=Other",
            new() { ["Text"] = answer, ["ReplyKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal($"/admin/inbox/{id}?sent=email", sent.Location);
        await app.DispatchAsync();

        var mail = MimeKit.MimeMessage.Load(Assert.Single(Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories)));
        Assert.Equal("jane@example.org", mail.To.Mailboxes.Single().Address);
        Assert.Equal("Jawaban dari DPMPTSP Kabupaten Karo", mail.Subject);
        Assert.Contains(answer, mail.TextBody, StringComparison.Ordinal);
        Assert.Empty(app.Sms().Received(foreign));
        Assert.Equal(Kabar.Decisions.Channel.Email, (await OtherAnswersAsync(app, id)).Single().Channel);
    }

    private static Task<List<Notification>> OtherAnswersAsync(KabarApp app, Guid contactId) =>
        app.WithDbAsync(d => d.Notifications.AsNoTracking()
            .Where(n => n.ContactId == contactId && n.Type == SystemNotificationTypes.InboxReplyOutsideWindow).ToListAsync());

    [Fact]
    public async Task QuickReplies_AdminsKeepThem_OperatorsUseThemToFillTheBox()
    {
        var (app, id) = await StartWithQuestionAsync(postgres);
        await using var owned = app;
        using var admin = await SignedInAsync(app, "kasi@karokab.go.id", OperatorRoles.Admin);
        const string hours = "Kantor buka Senin–Jumat, 08.00–15.00 WIB.";

        var (added, _) = await admin.PostFormAsync("/admin/inbox/quick-replies", "/admin/inbox/quick-replies?handler=Add",
            new() { ["Title"] = "Jam layanan", ["Text"] = hours });
        Assert.Equal(HttpStatusCode.Redirect, added.Status);
        var (empty, _) = await admin.PostFormAsync("/admin/inbox/quick-replies", "/admin/inbox/quick-replies?handler=Add",
            new() { ["Title"] = "Tanpa teks", ["Text"] = "  " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.Status);
        Assert.Contains("teks jawaban", empty.Alert, StringComparison.Ordinal);
        var quick = Assert.Single(await app.WithDbAsync(d => d.QuickReplies.AsNoTracking().ToListAsync()));
        Assert.Equal(("Jam layanan", hours, "kasi@karokab.go.id"), (quick.Title, quick.Text, quick.UpdatedBy));

        using var petugas = await SignedInAsync(app, "petugas@karokab.go.id", OperatorRoles.Operator);
        var (_, page) = await petugas.PageAsync($"/admin/inbox/{id}?quick={quick.Id}");
        var box = System.Text.RegularExpressions.Regex.Match(page, "<textarea id=\"reply\"[^>]*>([^<]*)</textarea>");
        Assert.True(box.Success, "No answer box on the conversation page.");
        Assert.Equal(hours, WebUtility.HtmlDecode(box.Groups[1].Value));
        var (refused, _) = await petugas.PostFormAsync("/admin/inbox/quick-replies", "/admin/inbox/quick-replies?handler=Add",
            new() { ["Title"] = "Dari petugas", ["Text"] = "Tidak boleh" });
        Assert.Equal(HttpStatusCode.Redirect, refused.Status);
        Assert.StartsWith("/admin/denied", new Uri(new Uri(app.BaseUrl), refused.Location).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await petugas.PageAsync(refused.Location!)).Status);
        Assert.Single(await app.WithDbAsync(d => d.QuickReplies.AsNoTracking().ToListAsync()));

        var (saved, _) = await admin.PostFormAsync("/admin/inbox/quick-replies", $"/admin/inbox/quick-replies?handler=Edit&id={quick.Id}",
            new() { ["Title"] = "Jam layanan", ["Text"] = "Kantor buka Senin–Kamis." });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal("Kantor buka Senin–Kamis.", (await app.WithDbAsync(d => d.QuickReplies.AsNoTracking().SingleAsync())).Text);
        var (removed, _) = await admin.PostFormAsync("/admin/inbox/quick-replies", $"/admin/inbox/quick-replies?handler=Remove&id={quick.Id}", new());
        Assert.Equal(HttpStatusCode.Redirect, removed.Status);
        Assert.Equal(0, await app.WithDbAsync(d => d.QuickReplies.CountAsync()));
    }

    [Fact]
    public void WindowInWords_SaysHowLongAndUntilWhen_InTheOfficesZone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jakarta");
        var now = new DateTime(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc);
        Assert.Equal("terbuka, sisa 3 jam 12 menit (sampai 25-11-2026 13:12 WIB)",
            InboxWords.Window(now.AddHours(3).AddMinutes(12), now, zone, english: false));
        Assert.Equal("open, 1 hour left (until 25-11-2026 11:00 WIB)", InboxWords.Window(now.AddHours(1), now, zone, english: true));
        Assert.Equal("open, less than a minute left (until 25-11-2026 10:00 WIB)", InboxWords.Window(now.AddSeconds(30), now, zone, english: true));
        Assert.Equal("tertutup sejak 25-11-2026 06:00 WIB", InboxWords.Window(now.AddHours(-4), now, zone, english: false));
    }
}
