using System.Net;
using System.Net.Http.Json;
using Kabar.Channels;

namespace Kabar.Tests.Simulator;

/// <summary>Throughput per business number is enforced like Meta's: 130429 past the limit (SPEC §1).</summary>
public sealed class ThroughputLimitTests : SimulatorOverSockets
{
    protected override Dictionary<string, string?> Settings => new() { ["Kabar:Simulator:MessagesPerSecond"] = "3" };

    [Fact]
    public async Task SendBurst_OverMessagesPerSecond_Refused130429()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Client.SendAsync(Template($"+62812777710{i:D2}", $"attempt-{i}"), CancellationToken.None)));

        Assert.Contains(results, r => r is { Outcome: SendOutcome.Failed, ErrorCode: 130429 });
        Assert.Contains(results, r => r.Outcome == SendOutcome.Accepted);
        var stats = await StatsAsync();
        Assert.InRange(stats.GetProperty("maxAcceptedPerSecond").GetProperty(PhoneNumberId).GetInt32(), 1, 3);
        Assert.Equal(results.Count(r => r.ErrorCode == 130429), stats.GetProperty("refusedByCode").GetProperty("130429").GetInt64());
    }
}

/// <summary>Template sync follows <c>paging.next</c> across pages (WHATSAPP-PAYLOADS.md, "Templates").</summary>
public sealed class TemplatePagingTests : SimulatorOverSockets
{
    protected override Dictionary<string, string?> Settings => new() { ["Kabar:Simulator:MaxTemplatesPerPage"] = "5" };

    [Fact]
    public async Task GetTemplates_SeveralPages_ReturnsEveryTemplateWithItsParameters()
    {
        var templates = await Client.GetTemplatesAsync(CancellationToken.None);

        Assert.Equal(Kabar.Notifications.NotificationCatalog.All.Count * 2, templates.Count);
        var ready = Assert.Single(templates, t => t.Name == "permit_ready" && t.Language == "id");
        Assert.Equal("APPROVED", ready.Status);
        Assert.Equal("UTILITY", ready.Category);
        Assert.Equal(["1", "2", "3", "4", "5"], ready.BodyParameterNames);
        Assert.Equal(7, templates.Single(t => t.Name == "permit_expiry_warning" && t.Language == "en").BodyParameterNames.Count);
    }
}

/// <summary>The sandbox phone's reply arrives as a signed, Meta-shaped inbound webhook (SPEC §7).</summary>
public sealed class SimulatorInboundTests : SimulatorOverSockets
{
    [Fact]
    public async Task Inbound_PostsSignedMessageWebhook()
    {
        using var response = await Control.PostAsJsonAsync("inbound", new { from = "+6281277770020", text = "Berhenti", name = "Rina" });
        await Tests.Infrastructure.Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var wamid = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();

        await Receiver.WaitForAsync(r => r.Values("messages").Any());
        var webhook = Assert.Single(Receiver.Received);
        Assert.True(webhook.SignatureValid);
        Assert.Equal("whatsapp_business_account", webhook.Body.GetProperty("object").GetString());
        var value = webhook.Body.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        Assert.Equal(PhoneNumberId, value.GetProperty("metadata").GetProperty("phone_number_id").GetString());
        Assert.Equal("Rina", value.GetProperty("contacts")[0].GetProperty("profile").GetProperty("name").GetString());
        var message = value.GetProperty("messages")[0];
        Assert.Equal(wamid, message.GetProperty("id").GetString());
        Assert.Equal("6281277770020", message.GetProperty("from").GetString());
        Assert.Equal("Berhenti", message.GetProperty("text").GetProperty("body").GetString());
        Assert.Equal("text", message.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Webhook_RefusedByReceiver_IsRetried()
    {
        Receiver.StatusCode = 500;
        using var response = await Control.PostAsJsonAsync("inbound", new { from = "+6281277770021", text = "Halo" });

        await Receiver.WaitForAsync(r => r.Received.Count >= 1);
        Receiver.StatusCode = 200;
        await Receiver.WaitForAsync(r => r.Received.Count >= 2);
        Assert.Equal(Receiver.Received[0].Body.GetRawText(), Receiver.Received[1].Body.GetRawText());
    }
}

/// <summary>Status webhooks are lost or duplicated at the configured rates, as Meta's may be (SPEC §1).</summary>
public sealed class StatusDuplicationTests : SimulatorOverSockets
{
    protected override Dictionary<string, string?> Settings => new() { ["Kabar:Simulator:DuplicateRate"] = "1" };

    [Fact]
    public async Task DuplicateRateOne_EveryStatusArrivesTwice()
    {
        var result = await Client.SendAsync(Template("+6281277770030", "attempt-dup"), CancellationToken.None);

        await Receiver.WaitForAsync(r => Of(r.Statuses, result.MessageId).Count() >= 4);
        var statuses = Of(Receiver.Statuses, result.MessageId).Select(s => s.GetProperty("status").GetString()).ToList();
        Assert.Equal(2, statuses.Count(s => s == "sent"));
        Assert.Equal(2, statuses.Count(s => s == "delivered"));
    }
}

public sealed class StatusLossTests : SimulatorOverSockets
{
    protected override Dictionary<string, string?> Settings => new() { ["Kabar:Simulator:LossRate"] = "1" };

    [Fact]
    public async Task LossRateOne_NoStatusArrives()
    {
        var result = await Client.SendAsync(Template("+6281277770031", "attempt-lost"), CancellationToken.None);
        Assert.Equal(SendOutcome.Accepted, result.Outcome);

        // An inbound message is posted after the statuses would have been due: a barrier.
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        using var _ = await Control.PostAsJsonAsync("inbound", new { from = "+6281277770032", text = "Halo" });
        await Receiver.WaitForAsync(r => r.Values("messages").Any());

        Assert.Empty(Receiver.Statuses);
        var recorded = Assert.Single(await ControlMessagesAsync("+6281277770031"));
        Assert.All(recorded.GetProperty("statuses").EnumerateArray(), s => Assert.True(s.GetProperty("lost").GetBoolean()));
    }
}
