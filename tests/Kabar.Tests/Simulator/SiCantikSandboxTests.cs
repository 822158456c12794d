using System.Net;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Simulator;

/// <summary>In sandbox mode Kabar carries its own SiCantik back office under <c>/simulator/sicantik</c> (SPEC §7).</summary>
public sealed class SiCantikSandboxTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres, kestrel: true);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Sandbox_SeededPermits_OverRealHttp()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var terbit = await http.GetAsync("/simulator/sicantik/backoffice/api/listpermohonanterbit/limit/50/offset/0");
        var body = await terbit.Content.ReadAsStringAsync();
        var missing = await http.GetAsync("/simulator/sicantik/backoffice/api/listpermohonanterbit/limit/50");
        var stats = await http.GetStringAsync("/simulator/sicantik/control/stats");

        Assert.Equal(HttpStatusCode.OK, terbit.StatusCode);
        Assert.Equal(12, body.Split("<item>").Length - 1);
        Assert.Equal(6, app.Services.GetRequiredService<SiCantikSimulator>().Applications().Count(a => !a.Issued));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("", await missing.Content.ReadAsStringAsync());
        Assert.Contains("\"requests\":2", stats);
    }
}
