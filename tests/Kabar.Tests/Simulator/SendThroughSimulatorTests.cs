using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Kabar.Channels;

namespace Kabar.Tests.Simulator;

/// <summary>Kabar's Cloud API client against the standalone simulator, over real sockets (SPEC §6, §7).</summary>
public sealed class SendThroughSimulatorTests : SimulatorOverSockets
{
    [Fact]
    public async Task SendTemplate_Accepted_SignedStatusesEchoCallbackData()
    {
        var result = await SendTemplateAsync("+6281277770001", "attempt-0b7c");

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.StartsWith("wamid.", result.MessageId);
        Assert.Equal("6281277770001", result.WaId);
        Assert.Equal("accepted", result.MessageStatus);

        await Receiver.WaitForAsync(r => Of(r.Statuses, result.MessageId).Count() >= 2);
        Assert.All(Receiver.Received, w => Assert.True(w.SignatureValid));
        var statuses = Of(Receiver.Statuses, result.MessageId).ToList();
        Assert.Equal(["sent", "delivered"], statuses.Select(s => s.GetProperty("status").GetString()).Order().Reverse());
        Assert.All(statuses, s =>
        {
            Assert.Equal("attempt-0b7c", s.GetProperty("biz_opaque_callback_data").GetString());
            Assert.Equal("6281277770001", s.GetProperty("recipient_id").GetString());
            Assert.True(long.TryParse(s.GetProperty("timestamp").GetString(), out _));
            Assert.Equal("utility", s.GetProperty("pricing").GetProperty("category").GetString());
        });

        // The simulator saw the request in Meta's documented shape.
        var recorded = Assert.Single(await ControlMessagesAsync("+6281277770001"));
        Assert.Equal("template", recorded.GetProperty("type").GetString());
        Assert.Equal("permit_ready", recorded.GetProperty("template").GetProperty("name").GetString());
        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], recorded.GetProperty("template").GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("attempt-0b7c", recorded.GetProperty("callbackData").GetString());
    }

    [Fact]
    public async Task Send_SaysWhenItsRequestIsWritten_BeforeTheAnswer()
    {
        // The send limiter counts a send's slot from when its request went out on the connection.
        var writes = 0;
        var result = await Client.SendAsync(Template("+6281277770002", "attempt-written"), CancellationToken.None, () => writes++);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(1, writes);
    }

    [Fact]
    public async Task SendText_AfterCitizenWrote_IsDelivered()
    {
        using var inbound = await Control.PostAsJsonAsync("inbound", new { from = "+6281277770002", text = "Halo", name = "Rina" });
        await Tests.Infrastructure.Http.AssertStatusAsync(inbound, HttpStatusCode.OK);

        var result = await Client.SendAsync(Text("+6281277770002", "attempt-text"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Null(result.MessageStatus);
        await Receiver.WaitForAsync(r => Of(r.Statuses, result.MessageId).Any(s => s.GetProperty("status").GetString() == "delivered"));
        var sent = Of(Receiver.Statuses, result.MessageId).First(s => s.GetProperty("status").GetString() == "sent");
        Assert.Equal("service", sent.GetProperty("pricing").GetProperty("category").GetString());
        Assert.False(sent.GetProperty("pricing").GetProperty("billable").GetBoolean());
        Assert.Equal("Terima kasih", Assert.Single(await ControlMessagesAsync("+6281277770002")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task SendText_NoWindow_FailsWith131047ByWebhook()
    {
        var result = await Client.SendAsync(Text("+6281277770003", "attempt-late"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        await Receiver.WaitForAsync(r => Of(r.Statuses, result.MessageId).Any());
        var failed = Assert.Single(Of(Receiver.Statuses, result.MessageId));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(131047, failed.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task SendTemplate_NumberNotOnWhatsApp_FailedStatus131026()
    {
        var result = await SendTemplateAsync("+6281299990000", "attempt-nowa");

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        await Receiver.WaitForAsync(r => Of(r.Statuses, result.MessageId).Any());
        var failed = Assert.Single(Of(Receiver.Statuses, result.MessageId));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(131026, failed.GetProperty("errors")[0].GetProperty("code").GetInt32());
        Assert.Equal("attempt-nowa", failed.GetProperty("biz_opaque_callback_data").GetString());
    }

    [Theory]
    [InlineData("no_such_template", 5, 132001)]
    [InlineData("permit_ready", 3, 132000)]
    public async Task SendTemplate_Invalid_FailsWithMetaCode(string name, int parameters, int code)
    {
        var result = await SendTemplateAsync("+6281277770004", "attempt-bad", name, parameters);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.Equal(code, result.ErrorCode);
        Assert.NotNull(result.HttpStatus);
        Assert.Empty(await ControlMessagesAsync("+6281277770004"));
    }

    [Fact]
    public async Task SendTemplate_Paused_FailsWith132015AndReportsPause()
    {
        using var paused = await Control.PutAsJsonAsync("templates/status_update/id", new { status = "PAUSED" });
        await Tests.Infrastructure.Http.AssertStatusAsync(paused, HttpStatusCode.OK);

        var result = await SendTemplateAsync("+6281277770005", "attempt-p", "status_update");

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.Equal(132015, result.ErrorCode);
        await Receiver.WaitForAsync(r => r.Received.Any(w => w.Body.GetRawText().Contains("message_template_status_update", StringComparison.Ordinal)));
        var update = Receiver.Received.SelectMany(w => w.Body.GetProperty("entry")[0].GetProperty("changes").EnumerateArray())
            .Single(c => c.GetProperty("field").GetString() == "message_template_status_update").GetProperty("value");
        Assert.Equal("PAUSED", update.GetProperty("event").GetString());
        Assert.Equal("status_update", update.GetProperty("message_template_name").GetString());
    }

    [Fact]
    public async Task Send_MissingToken_Fails190Unauthorized()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{SimulatorUrl}/v23.0/{PhoneNumberId}/messages",
            new { messaging_product = "whatsapp", to = "+6281277770006", type = "text", text = new { body = "x" } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(190, error.GetProperty("code").GetInt32());
        Assert.Equal("OAuthException", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Send_MissingTo_Fails100NamingTheParameter()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "token");
        using var response = await http.PostAsJsonAsync($"{SimulatorUrl}/v23.0/{PhoneNumberId}/messages",
            new { messaging_product = "whatsapp", type = "text", text = new { body = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(100, error.GetProperty("code").GetInt32());
        Assert.Contains("to", error.GetProperty("error_data").GetProperty("details").GetString());
    }

    [Fact]
    public async Task SyncFault_WithRetryAfter_ClientParsesRetryAfter()
    {
        await FaultAsync(new { to = "+6281277770007", code = 131056, mode = "sync", times = 1, retryAfterSeconds = 16 });

        var first = await SendTemplateAsync("+6281277770007", "attempt-f1");
        var second = await SendTemplateAsync("+6281277770007", "attempt-f2");

        Assert.Equal(SendOutcome.Failed, first.Outcome);
        Assert.Equal(131056, first.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(16), first.RetryAfter);
        Assert.Equal(SendOutcome.Accepted, second.Outcome);
    }

    [Fact]
    public async Task HangFault_MessageTakenButNoAnswer_OutcomeUnknown()
    {
        await FaultAsync(new { code = 0, mode = "hang" });

        var result = await SendTemplateAsync("+6281277770008", "attempt-hang");

        Assert.Equal(SendOutcome.Unknown, result.Outcome);
        // It did reach "Meta": the status webhook is how Kabar will learn of it.
        var recorded = Assert.Single(await ControlMessagesAsync("+6281277770008"));
        await Receiver.WaitForAsync(r => r.Statuses.Any(s => s.GetProperty("biz_opaque_callback_data").GetString() == "attempt-hang"));
        Assert.Equal(recorded.GetProperty("id").GetString(),
            Receiver.Statuses.First(s => s.GetProperty("biz_opaque_callback_data").GetString() == "attempt-hang").GetProperty("id").GetString());
    }

    [Fact]
    public async Task HangFault_OnReusedConnection_UnknownAndNotResent()
    {
        var warm = await SendTemplateAsync("+6281277770010", "attempt-warm");
        Assert.Equal(SendOutcome.Accepted, warm.Outcome);
        await FaultAsync(new { code = 0, mode = "hang" });

        var result = await SendTemplateAsync("+6281277770011", "attempt-hang-2");

        Assert.Equal(SendOutcome.Unknown, result.Outcome);
        Assert.Single(await ControlMessagesAsync("+6281277770011"));
    }

    [Fact]
    public async Task OutageFault_FailsEverySendForItsDuration_ThenSendsGoThrough()
    {
        await FaultAsync(new { code = 131016, forSeconds = 1.5 });

        var during = new List<Kabar.WhatsApp.WhatsAppSendResult>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await SendTemplateAsync($"+628127777003{i}", $"attempt-outage-{i}"));
        }

        await Task.Delay(1600);
        var after = await SendTemplateAsync("+6281277770039", "attempt-after");

        // Not "times = 1": every send inside the window fails, as in an outage.
        Assert.All(during, r => Assert.Equal((SendOutcome.Failed, 131016, 503), (r.Outcome, r.ErrorCode, r.HttpStatus)));
        Assert.Equal(SendOutcome.Accepted, after.Outcome);
        var hits = await Control.GetFromJsonAsync<JsonElement>("faults");
        Assert.Equal(5, hits.GetArrayLength());
        Assert.All(hits.EnumerateArray(), h => Assert.Equal(131016, h.GetProperty("code").GetInt32()));
    }

    [Fact]
    public async Task TimeoutFault_NotTakenAndNoAnswer_ClientGivesUpWithUnknown()
    {
        await FaultAsync(new { code = 0, mode = "timeout", delayMs = 30_000 });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await SendTemplateAsync("+6281277770040", "attempt-timeout");

        // The client's own timeout (5 s here) ended the wait; Meta never took the message.
        Assert.Equal(SendOutcome.Unknown, result.Outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(29));
        Assert.Empty(await ControlMessagesAsync("+6281277770040"));
    }

    [Fact]
    public async Task SlowFault_AnswersLate_MessageTaken()
    {
        await FaultAsync(new { code = 0, mode = "slow", delayMs = 800 });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await SendTemplateAsync("+6281277770041", "attempt-slow");

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(750), $"answered after {clock.Elapsed}");
        Assert.Single(await ControlMessagesAsync("+6281277770041"));
    }

    [Fact]
    public async Task SharedFault_AppliesToAboutItsShare_AndClearingEndsIt()
    {
        await FaultAsync(new { code = 131000, forSeconds = 600, share = 0.5 });

        var results = new List<SendOutcome>();
        for (var i = 0; i < 60; i++)
        {
            results.Add((await SendTemplateAsync($"+62812777710{i:00}", $"attempt-share-{i}")).Outcome);
        }

        using var cleared = await Control.DeleteAsync("faults");
        await Tests.Infrastructure.Http.AssertStatusAsync(cleared, HttpStatusCode.NoContent);
        var afterClear = await SendTemplateAsync("+6281277771099", "attempt-cleared");

        // Half on average: 60 draws land between 12 and 48 failures with overwhelming probability.
        Assert.InRange(results.Count(r => r == SendOutcome.Failed), 12, 48);
        Assert.Equal(SendOutcome.Accepted, afterClear.Outcome);
    }

    [Theory]
    [InlineData("""{"code":2,"mode":"sometimes"}""", "mode")]
    [InlineData("""{"code":2,"forSeconds":0}""", "forSeconds")]
    [InlineData("""{"code":2,"share":1.5}""", "share")]
    [InlineData("""{"code":2,"mode":"slow","delayMs":-1}""", "delayMs")]
    public async Task Fault_Invalid_400NamesTheField(string body, string field)
    {
        using var response = await Control.PostAsync("faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Send_ConnectionRefused_FailedWithoutCode()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (services, client) = CreateClient($"http://127.0.0.1:{port}");
        await using var _ = services;

        var result = await client.SendAsync(Template("+6281277770009", "attempt-refused"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.Null(result.ErrorCode);
        Assert.Null(result.HttpStatus);
    }
}
