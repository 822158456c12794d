using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.SiCantik;

/// <summary>
/// The README's sandbox demo, step by step over HTTP: with no SiCantik address configured the
/// connector reads the built-in SiCantik simulator, and a permit issued "in SiCantik" reaches the
/// opted-in holder on WhatsApp.
/// </summary>
public sealed class SiCantikSandboxDemoTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Phone = "+6281277779001";
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<JsonElement> SyncAsync()
    {
        using var api = app.Api();
        using var response = await api.PostAsync("/api/jobs/sicantik-sync/run", null);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    [Fact]
    public async Task PermitIssuedInTheSimulatedSiCantik_ReachesTheOptedInHolderOnWhatsApp()
    {
        await app.CreateContactAsync(Phone, optedIn: true);
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl + "/simulator/sicantik/control/") };
        var backfill = await SyncAsync();
        Assert.StartsWith("backfill (no notices)", backfill.GetProperty("detail").GetString());

        using var added = await control.PostAsJsonAsync("applications", new { name = "Siti Aminah", phone = "0812-7777-9001", permitType = "IZIN GANGGUAN USAHA (HO)" });
        await Http.AssertStatusAsync(added, HttpStatusCode.OK);
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pendaftaranId").GetString();
        await SyncAsync();
        using (var issued = await control.PostAsync($"applications/{id}/issue", null))
        {
            await Http.AssertStatusAsync(issued, HttpStatusCode.OK);
        }

        var sync = await SyncAsync();
        await app.SendAndSettleAsync();

        Assert.Equal(1, sync.GetProperty("created").GetInt32());
        var message = Assert.Single(app.WhatsAppTo(Phone));
        Assert.Equal("permit_ready", message.TemplateName);
        Assert.Contains("IZIN GANGGUAN USAHA (HO)", message.Parameters);
    }
}
