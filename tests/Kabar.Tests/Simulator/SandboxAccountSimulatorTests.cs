using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;

namespace Kabar.Tests.Simulator;

/// <summary>The sandbox's business account (NewAccount off, the default): templates approved, the app subscribed.</summary>
public sealed class SandboxAccountSimulatorTests : SimulatorOverSockets
{
    [Fact]
    public async Task SandboxAccount_Start_TemplatesApprovedAndAppSubscribed()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "token");
        var apps = await http.GetFromJsonAsync<JsonElement>($"{SimulatorUrl}/v23.0/{WhatsAppOptions.SandboxWabaId}/subscribed_apps");
        var templates = await http.GetFromJsonAsync<JsonElement>(
            $"{SimulatorUrl}/v23.0/{WhatsAppOptions.SandboxWabaId}/message_templates?fields=name,status,quality_score&limit=1000");

        Assert.Single(apps.GetProperty("data").EnumerateArray());
        var data = templates.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(Kabar.Notifications.NotificationCatalog.All.Count * 2, data.Count);
        Assert.All(data, t => Assert.Equal("APPROVED", t.GetProperty("status").GetString()));
        Assert.All(data, t => Assert.Equal("GREEN", t.GetProperty("quality_score").GetProperty("score").GetString()));

        using var other = await http.GetAsync($"{SimulatorUrl}/v23.0/111111111111111/message_templates");
        await Http.AssertStatusAsync(other, HttpStatusCode.BadRequest);
    }
}
