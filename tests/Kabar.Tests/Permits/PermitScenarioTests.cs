using System.Net;
using Kabar.Channels;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>
/// The office's seven scenarios of SPEC §5, each from the permit system's call (or the
/// scheduler) to the person's phone or inbox through the simulators, by the decision's channel.
/// </summary>
public sealed class PermitScenarioTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static object Person(string phone, string name) => new { phone, name };

    [Fact]
    public async Task PermitIssued_PermitReadyReachesTheOptedInHolderOnWhatsApp()
    {
        const string phone = "+6281277778001";
        await app.CreateContactAsync(phone, optedIn: true);
        await app.PostPermitAsync(PermitSupport.Permit("SC-READY", "issued", phone, expiresOn: "2029-11-25"));
        await app.SendAndSettleAsync();

        var message = Assert.Single(app.WhatsAppTo(phone));
        Assert.Equal("permit_ready", message.TemplateName);
        Assert.Equal(["Siti Aminah", "Izin Usaha Mikro", "503/SC-READY", "25-11-2026", "https://perizinan.example.id/unduh/1"], message.Parameters);
        Assert.Empty(app.Sms().Received(phone));
    }

    [Fact]
    public async Task StatusChanged_StatusUpdateFallsBackToSmsWithAnOptInLink_WhenTheHolderHasNotOptedIn()
    {
        const string phone = "+6281277778002";
        await app.PostPermitAsync(PermitSupport.Permit("SC-STATUS", "submitted", phone, issuedOn: null));
        await app.PostPermitAsync(PermitSupport.Permit("SC-STATUS", "needs_documents", phone, issuedOn: null), HttpStatusCode.OK);
        await app.SendAndSettleAsync();

        Assert.Empty(app.WhatsAppTo(phone));
        var sms = Assert.Single(app.Sms().Received(phone));
        Assert.Contains("dari Diajukan menjadi Perlu kelengkapan dokumen", sms.Text);
        Assert.Contains("/opt-in/", sms.Text);
    }

    [Fact]
    public async Task SevenDaysBeforeExpiry_TheExpiryWarningReachesTheHolderOnWhatsApp()
    {
        const string phone = "+6281277778003";
        await app.CreateContactAsync(phone, optedIn: true);
        var id = (await app.PostPermitAsync(PermitSupport.Permit("SC-EXPIRY", "issued", phone, issuedOn: "2021-12-02", expiresOn: "2026-12-02"))).GetProperty("id").GetGuid();
        await app.SendAndSettleAsync();
        await app.RunJobAsync("expiry-reminders");
        await app.AdvanceAsync(TimeSpan.FromSeconds(7));

        var warning = Assert.Single(app.WhatsAppTo(phone), m => m.TemplateName == "permit_expiry_warning");
        Assert.Equal("02-12-2026", warning.Parameters[3]);
        Assert.Equal("7", warning.Parameters[4]);
        Assert.Equal("https://perizinan.example.id/perpanjang", warning.Parameters[5]);
        Assert.True((await app.PermitNotificationsAsync(id, "permit_expiry_warning"))[0].Essential);
    }

    [Fact]
    public async Task RenewalIssued_RenewalApprovedReachesTheHolder_AndTheOldPermitsReminderIsCancelled()
    {
        const string phone = "+6281277778004";
        await app.CreateContactAsync(phone, optedIn: true);

        // The old permit expires in 60 days; its reminder is planned for a Monday ahead.
        var old = (await app.PostPermitAsync(PermitSupport.Permit("SC-OLD", "issued", phone, issuedOn: "2021-12-28", expiresOn: "2027-01-25"))).GetProperty("id").GetGuid();
        app.Time.SetUtcNow(PermitSupport.Wib(2026, 11, 28, 10));
        await app.RunJobAsync("expiry-reminders");
        Assert.Equal(NotificationState.Scheduled, Assert.Single(await app.PermitNotificationsAsync(old, "permit_expiry_warning")).State);

        var renewal = await app.PostPermitAsync(PermitSupport.Permit("SC-NEW", "issued", phone, issuedOn: "2026-11-28", expiresOn: "2031-11-28", renewalOf: "SC-OLD"));
        Assert.Equal("SC-OLD", renewal.GetProperty("renewalOf").GetString());
        Assert.Equal(NotificationState.Cancelled, Assert.Single(await app.PermitNotificationsAsync(old, "permit_expiry_warning")).State);
        await app.AdvanceAsync(TimeSpan.FromDays(3));
        await app.AdvanceAsync(TimeSpan.FromSeconds(7));

        var toHolder = app.WhatsAppTo(phone).Select(m => m.TemplateName).ToList();
        Assert.Equal(["permit_ready", "permit_renewal_approved"], toHolder);
        var approved = app.WhatsAppTo(phone)[1];
        Assert.Equal(["28-11-2026", "28-11-2031"], approved.Parameters.Skip(3).Take(2));
    }

    [Fact]
    public async Task DocumentsWaiting_DocumentPendingReachesTheStaffMember_ApprovalRequiredReachesTheOfficialByEmail()
    {
        const string holder = "+6281277778005", staff = "+6281277778006";
        await app.CreateContactAsync(staff, optedIn: true);
        var documents = new object[]
        {
            new { name = "SK Izin", role = "staff", assignee = Person(staff, "Rina (loket)") },
            new { name = "Berita Acara", role = "staff", assignee = Person(staff, "Rina (loket)") },
            new { name = "Persetujuan Kepala Dinas", role = "official", assignee = new { email = "kadis@karokab.go.id", name = "Ir. Bambang" } },
        };
        var id = (await app.PostPermitAsync(PermitSupport.Permit("SC-DOCS", "in_review", holder, issuedOn: null, documents: documents))).GetProperty("id").GetGuid();
        await app.PostPermitAsync(PermitSupport.Permit("SC-DOCS", "in_review", holder, issuedOn: null, documents: documents), HttpStatusCode.OK);
        await app.SendAndSettleAsync();

        var pending = Assert.Single(app.WhatsAppTo(staff));
        Assert.Equal("document_pending", pending.TemplateName);
        Assert.Equal(["2", "Izin Usaha Mikro", "Siti Aminah", "SC-DOCS", $"http://127.0.0.1:5080/admin/permits/{id}"], pending.Parameters);

        // The official has no WhatsApp identity: an essential notice goes by e-mail.
        var approval = Assert.Single(await app.PermitNotificationsAsync(id, "approval_required"));
        Assert.Equal((Channel.Email, true), (approval.Channel, approval.Essential));
        var mail = Assert.Single(app.Services.GetRequiredService<EmailOutbox>().List("kadis@karokab.go.id"));
        Assert.Equal("Perlu persetujuan: 503/SC-DOCS", mail.Subject);
        Assert.Contains("Yth. Ir. Bambang", EmailOutbox.Load(mail.Path).TextBody);
    }

    [Fact]
    public async Task DocumentsPendingOverADay_DocumentReminderReachesStaffOnceAWorkingDay()
    {
        const string holder = "+6281277778007", staff = "+6281277778008";
        await app.CreateContactAsync(staff, optedIn: true);
        var documents = new[] { new { name = "SK Izin", role = "staff", assignee = Person(staff, "Rina") } };
        var id = (await app.PostPermitAsync(PermitSupport.Permit("SC-REMIND", "in_review", holder, issuedOn: null, documents: documents))).GetProperty("id").GetGuid();
        await app.SendAndSettleAsync();

        // Not yet a day: nothing. Thursday 11:00, 25 hours: one reminder, and only one that day.
        Assert.Equal(0, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
        await app.AdvanceAsync(TimeSpan.FromHours(25));
        Assert.Equal(1, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
        Assert.Equal(0, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
        await app.AdvanceAsync(TimeSpan.FromSeconds(7));

        var reminder = Assert.Single(app.WhatsAppTo(staff), m => m.TemplateName == "document_reminder");
        Assert.Equal(["1", "Izin Usaha Mikro", "Siti Aminah", "25 jam", $"http://127.0.0.1:5080/admin/permits/{id}"], reminder.Parameters);

        // Saturday: no reminders. Monday: the next one. Signed: no more.
        app.Time.SetUtcNow(PermitSupport.Wib(2026, 11, 28, 11));
        Assert.Equal(0, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
        app.Time.SetUtcNow(PermitSupport.Wib(2026, 11, 30, 11));
        Assert.Equal(1, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
        var signed = new[] { new { name = "SK Izin", role = "staff", assignee = Person(staff, "Rina"), done = true } };
        await app.PostPermitAsync(PermitSupport.Permit("SC-REMIND", "in_review", holder, issuedOn: null, documents: signed), HttpStatusCode.OK);
        app.Time.SetUtcNow(PermitSupport.Wib(2026, 12, 1, 11));
        Assert.Equal(0, (await app.RunJobAsync("document-reminders")).GetProperty("created").GetInt32());
    }
}
