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

    private async Task<List<WhatsAppStatusEvent>> StatusesAsync(string wamid)
    {
        await app.ExpandStatusesAsync();
        return await app.WithDbAsync(d => d.WhatsAppStatusEvents.AsNoTracking().Where(s => s.Wamid == wamid).ToListAsync());
    }
}
