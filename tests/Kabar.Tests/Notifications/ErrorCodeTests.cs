using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Notifications;

/// <summary>SPEC §6's error table, code by code, as the Cloud API simulator answers or reports them.</summary>
public sealed class ErrorCodeTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Phone = "+6281277771001";
    private KabarApp app = null!;

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await app.CreateContactAsync(Phone, optedIn: true);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private Task<NotificationResponse> Get(Guid id) => app.NotificationAsync(id);

    [Theory]
    [InlineData(130429)]
    [InlineData(131000)]
    [InlineData(131016)]
    [InlineData(133004)]
    [InlineData(131057)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(80007)]
    public async Task Transient_IsRetriedWithBackoff_AndTheRetryIsDelivered(int code)
    {
        await app.FaultAsync(Phone, code);
        var id = await app.PermitReadyAsync(Phone);

        await app.DispatchAsync();
        var n = await Get(id);
        Assert.Equal(NotificationState.Queued, n.State);
        Assert.True(n.DueAt > app.Time.GetUtcNow().UtcDateTime, "the retry waits");
        Assert.Equal(code, Assert.Single(n.Attempts).ErrorCode);

        await app.AdvanceAsync(TimeSpan.FromSeconds(5));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));

        n = await Get(id);
        Assert.Equal((NotificationState.Delivered, Channel.WhatsApp), (n.State, n.Channel));
        Assert.Equal([AttemptStatus.Failed, AttemptStatus.Delivered], n.Attempts.Select(a => a.Status));
        Assert.Empty(app.Sms().Received(Phone));
    }

    [Fact]
    public async Task Transient_HonoursRetryAfter()
    {
        await app.FaultAsync(Phone, 130429, retryAfterSeconds: 120);
        var id = await app.PermitReadyAsync(Phone);
        await app.DispatchAsync();

        await app.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Single((await Get(id)).Attempts);

        await app.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal(2, (await Get(id)).Attempts.Count);
    }

    [Fact]
    public async Task Transient_IsBounded_ThenFallsBackToSms()
    {
        await app.FaultAsync(Phone, 131000, times: 5);
        var id = await app.PermitReadyAsync(Phone);

        await app.DispatchAsync();
        for (var i = 0; i < 6; i++)
        {
            await app.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        var n = await Get(id);
        Assert.Equal(5, n.Attempts.Count(a => a.Channel == Channel.WhatsApp && a.ErrorCode == 131000));
        Assert.Equal((Channel.Sms, "whatsapp_error_131000"), (n.Channel, n.FallbackReason));
        Assert.Single(app.Sms().Received(Phone));
    }

    [Fact]
    public async Task PairRate131056_RetriesThatRecipientAfter4PowX_OthersContinue()
    {
        const string other = "+6281277771002";
        await app.CreateContactAsync(other, optedIn: true);
        await app.FaultAsync(Phone, 131056, times: 2);
        var id = await app.PermitReadyAsync(Phone);
        var otherId = await app.PermitReadyAsync(other);

        await app.DispatchAsync();
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddSeconds(4), (await Get(id)).DueAt); // 4^1 s
        Assert.NotEmpty(app.WhatsAppTo(other));

        await app.AdvanceAsync(TimeSpan.FromSeconds(4));
        var n = await Get(id);
        Assert.Equal(2, n.Attempts.Count(a => a.ErrorCode == 131056));
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddSeconds(16), n.DueAt); // 4^2 s

        await app.AdvanceAsync(TimeSpan.FromSeconds(16));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(NotificationState.Delivered, (await Get(id)).State);
        Assert.Equal(NotificationState.Delivered, (await Get(otherId)).State);
    }

    [Fact]
    public async Task WindowClosed131047_FallsBack()
    {
        await app.FaultAsync(Phone, 131047, mode: "status");
        var id = await app.PermitReadyAsync(Phone);
        await app.SendAndSettleAsync();
        await app.AdvanceAsync(TimeSpan.FromSeconds(1));

        var n = await Get(id);
        Assert.Equal((Channel.Sms, "window_closed"), (n.Channel, n.FallbackReason));
        Assert.Single(app.Sms().Received(Phone));
    }

    [Fact]
    public async Task MarketingHeld131049_EssentialFallsBack_RoutineWaits24Hours()
    {
        await app.FaultAsync(Phone, 131049, times: 2);
        var essential = await app.PermitReadyAsync(Phone);
        var routine = await app.EnqueueAsync(new { type = "status_update", phone = Phone, @params = new { registration_id = "R-1", old_status = "a", new_status = "b", changed_at = "c", detail_link = "d" } });

        await app.DispatchAsync();
        await app.AdvanceAsync(TimeSpan.FromSeconds(7)); // pair rate: the second goes 6 s later

        Assert.Equal(Channel.Sms, (await Get(essential)).Channel);
        var r = await Get(routine);
        Assert.Equal(NotificationState.Queued, r.State);
        Assert.True(r.DueAt >= app.Time.GetUtcNow().UtcDateTime.AddHours(23.9));
        Assert.Single(app.Sms().Received(Phone));
    }

    [Fact]
    public async Task MarketingStopped131050_WithdrawsMarketingInTheLedger_NeverRetries()
    {
        await app.FaultAsync(Phone, 131050);
        var routine = await app.EnqueueAsync(new { type = "status_update", phone = Phone, @params = new { registration_id = "R-1", old_status = "a", new_status = "b", changed_at = "c", detail_link = "d" } });

        await app.DispatchAsync();
        await app.AdvanceAsync(TimeSpan.FromDays(2));

        var n = await Get(routine);
        Assert.Equal(NotificationState.Failed, n.State);
        Assert.Single(n.Attempts);
        var contact = await app.WithDbAsync(d => d.Contacts.SingleAsync(c => c.Phone == Phone));
        Assert.Equal(ConsentState.Withdrawn, contact.MarketingConsent);
        var e = await app.WithDbAsync(d => d.ConsentEvents.OrderBy(x => x.Seq).LastAsync(x => x.ContactId == contact.Id));
        Assert.Equal((ConsentScope.WhatsAppMarketing, ConsentSource.WhatsAppError), (e.Scope, e.Source));
    }

    [Theory]
    [InlineData(130403)]
    [InlineData(131051)]
    [InlineData(132000)]
    [InlineData(132001)]
    [InlineData(132012)]
    [InlineData(132015)]
    [InlineData(132016)]
    [InlineData(132018)]
    [InlineData(100)]
    [InlineData(131008)]
    [InlineData(131009)]
    public async Task RequestOrTemplateProblem_FailsTheAttempt_FallsBack_AndFlagsTheTemplate(int code)
    {
        using (var api = app.Api())
        {
            using var sync = await api.PostAsync("/api/jobs/template-sync/run", null);
            await Http.AssertStatusAsync(sync, System.Net.HttpStatusCode.OK);
        }

        await app.FaultAsync(Phone, code);
        var id = await app.PermitReadyAsync(Phone);
        await app.SendAndSettleAsync();

        var n = await Get(id);
        Assert.Equal((Channel.Sms, $"whatsapp_error_{code}"), (n.Channel, n.FallbackReason));
        Assert.Equal(code, n.Attempts[0].ErrorCode);
        var template = await app.WithDbAsync(d => d.WhatsAppTemplates.SingleAsync(t => t.Name == "permit_ready" && t.Language == "id"));
        Assert.Equal(code, template.FlagCode);
    }

    [Theory]
    [InlineData(190)]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(131031)]
    [InlineData(131042)]
    [InlineData(368)]
    public async Task AccountProblem_PausesTheNumber_KeepsTheQueue_AndResumesWhenTheOperatorSaysSo(int code)
    {
        await app.FaultAsync(null, code);
        var id = await app.PermitReadyAsync(Phone);
        await app.DispatchAsync();
        await app.AdvanceAsync(TimeSpan.FromMinutes(30));

        var n = await Get(id);
        Assert.Equal(NotificationState.Queued, n.State);
        Assert.Single(n.Attempts);
        Assert.Empty(app.Sms().Received(Phone));
        var number = await app.WithDbAsync(d => d.SenderNumbers.SingleAsync());
        Assert.Equal(code, number.PauseCode);
        Assert.Contains(app.Logs.Lines, l => l.Contains("paused", StringComparison.Ordinal) && l.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using (var api = app.Api())
        {
            using var resume = await api.PostAsync($"/api/whatsapp/numbers/{number.PhoneNumberId}/resume", null);
            await Http.AssertStatusAsync(resume, System.Net.HttpStatusCode.NoContent);
        }

        await app.AdvanceAsync(TimeSpan.FromSeconds(1));
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(NotificationState.Delivered, (await Get(id)).State);
    }

    [Fact]
    public async Task UnknownOutcome_WaitsForAStatus_AndIsNotResent()
    {
        await app.FaultAsync(Phone, 0, mode: "hang");
        var id = await app.PermitReadyAsync(Phone);
        await app.DispatchAsync();

        var n = await Get(id);
        Assert.Equal(AttemptStatus.Unknown, Assert.Single(n.Attempts).Status);
        Assert.Equal(NotificationState.Queued, n.State);

        // The simulator did take the message: its statuses, matched by the callback data, settle it.
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        await app.AdvanceAsync(TimeSpan.FromMinutes(11));

        n = await Get(id);
        Assert.Equal(NotificationState.Delivered, n.State);
        Assert.Equal(AttemptStatus.Delivered, Assert.Single(n.Attempts).Status);
        Assert.Single(app.WhatsAppTo(Phone));
    }

    [Fact]
    public async Task ProbeWithoutAnswer_GivesItsTryBack_AndGoesBehindTheBacklog()
    {
        // While a provider is down, one probe at a time finds out whether it is back. A probe that
        // times out measured the provider, not the message: had its try been spent, the notice
        // picked as the probe again and again would fall back to SMS during an outage it waited out.
        await using var scope = app.Services.CreateAsyncScope();
        var flow = scope.ServiceProvider.GetRequiredService<NotificationFlow>();
        var grace = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value.UnknownOutcomeGrace;
        var now = app.Time.GetUtcNow().UtcDateTime;
        (Notification, DeliveryAttempt) Sending()
        {
            var attempt = new DeliveryAttempt { Id = Guid.NewGuid(), Channel = Channel.WhatsApp, Status = AttemptStatus.Pending };
            return (new Notification { Id = Guid.NewGuid(), State = NotificationState.Sending, CurrentAttemptId = attempt.Id, WhatsAppTries = 2, DueAt = now }, attempt);
        }

        var (probe, probeAttempt) = Sending();
        flow.UnknownProbe(probe, probeAttempt, now + grace + TimeSpan.FromMinutes(1), now);
        Assert.Equal(AttemptStatus.Unknown, probeAttempt.Status);
        Assert.Equal(NotificationState.Queued, probe.State);
        Assert.Equal(1, probe.WhatsAppTries);
        Assert.Equal(now + grace + TimeSpan.FromMinutes(1), probe.DueAt);

        // Behind the backlog, but never before the grace a status needs.
        var (early, earlyAttempt) = Sending();
        flow.UnknownProbe(early, earlyAttempt, now + TimeSpan.FromSeconds(5), now);
        Assert.Equal(now + grace, early.DueAt);

        // An ordinary send without an answer keeps its try spent.
        var (plain, plainAttempt) = Sending();
        flow.Unknown(plain, plainAttempt, now, "No answer from the WhatsApp Cloud API.");
        Assert.Equal(2, plain.WhatsAppTries);
    }
}
