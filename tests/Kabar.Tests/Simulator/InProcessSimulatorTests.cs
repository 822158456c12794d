using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Simulator;

/// <summary>In sandbox mode Kabar sends to its own simulator and stores the statuses it posts back (SPEC §7).</summary>
public sealed class InProcessSimulatorTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string[] RinaExample = ["Rina"];

    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task SendTemplate_SandboxMode_StatusWebhooksStored()
    {
        var client = app.Services.GetRequiredService<IWhatsAppClient>();
        var simulator = app.Services.GetRequiredService<CloudApiSimulator>();

        var result = await client.SendAsync(new WhatsAppSendRequest(WhatsAppOptions.SandboxNumber.PhoneNumberId, null,
            "+6281277770050", null, "attempt-sandbox",
            new TemplateContent("permit_ready", "id", Enumerable.Range(1, 5).Select(i => new TemplateParameter(null, $"v{i}")).ToList()),
            null), CancellationToken.None);
        Assert.Equal(SendOutcome.Accepted, result.Outcome);

        app.Time.Advance(TimeSpan.FromMilliseconds(400));
        await simulator.WhenIdleAsync();
        var afterSent = await StatusesAsync(result.MessageId!);
        Assert.Equal(["sent"], afterSent.Select(s => s.Status));

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await simulator.WhenIdleAsync();
        var all = await StatusesAsync(result.MessageId!);
        Assert.Equal(["delivered", "sent"], all.Select(s => s.Status).Order());
        Assert.All(all, s => Assert.Equal("attempt-sandbox", s.BizOpaqueCallbackData));
        Assert.All(all, s => Assert.Equal("6281277770050", s.RecipientId));
    }

    [Fact]
    public async Task GoLiveCalls_BuiltIn_AnswerUnderSimulatorAndReviewOnKabarsClock()
    {
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Services.GetRequiredService<SandboxToken>().Value);
        var graph = $"/simulator/v23.0/{WhatsAppOptions.SandboxWabaId}";

        var number = await http.GetFromJsonAsync<JsonElement>(
            $"/simulator/v23.0/{WhatsAppOptions.SandboxNumber.PhoneNumberId}?fields=display_phone_number,status");
        Assert.Equal("+62 811-0000-0000", number.GetProperty("display_phone_number").GetString());
        Assert.Equal("CONNECTED", number.GetProperty("status").GetString());

        using var created = await http.PostAsJsonAsync($"{graph}/message_templates", new
        {
            name = "izin_baru",
            language = "id",
            category = "UTILITY",
            components = new object[]
            {
                new
                {
                    type = "BODY",
                    text = "Yth. {{1}}, permohonan izin Anda sudah kami terima dan sedang diperiksa petugas kami.",
                    example = new { body_text = new[] { RinaExample } },
                },
            },
        });
        await Http.AssertStatusAsync(created, System.Net.HttpStatusCode.OK);

        Assert.Equal("PENDING", await StatusOfAsync(http, graph, "izin_baru"));
        app.Time.Advance(TimeSpan.FromSeconds(2)); // Kabar:Simulator:TemplateReviewDelay, on the simulator's clock
        Assert.Equal("APPROVED", await StatusOfAsync(http, graph, "izin_baru"));
    }

    private static async Task<string?> StatusOfAsync(HttpClient http, string graph, string name)
    {
        var list = await http.GetFromJsonAsync<JsonElement>($"{graph}/message_templates?fields=name,status&limit=1000");
        return list.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name).GetProperty("status").GetString();
    }

    private async Task<List<WhatsAppStatusEvent>> StatusesAsync(string wamid)
    {
        await app.ExpandStatusesAsync();
        return await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().Where(s => s.Wamid == wamid).ToListAsync());
    }
}
