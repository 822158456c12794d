using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Admin;

/// <summary><c>GET /api/stats</c> on both databases: the grouped queries give the same, hand-counted figures.</summary>
public sealed class StatsApiTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Stats_CountTheOfficesSends_OnEitherDatabase(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        await app.CreateContactAsync("+6281260000001", optedIn: true);
        await app.CreateContactAsync("+6281260000002", optedIn: true);
        await app.CreateContactAsync("+6281260000003", optedIn: false);
        foreach (var phone in new[] { "+6281260000001", "+6281260000002", "+6281260000003" })
        {
            await app.PermitReadyAsync(phone);
        }

        await app.SendAndSettleAsync();
        using var api = app.Api();
        var stats = await api.GetFromJsonAsync<JsonElement>("/api/stats");
        (long, long) Ratio(string name) => (stats.GetProperty(name).GetProperty("numerator").GetInt64(), stats.GetProperty(name).GetProperty("denominator").GetInt64());

        Assert.Equal((2L, 3L), Ratio("optInRate"));
        Assert.Equal((0L, 2L), Ratio("windowUsage"));
        Assert.Equal((2L, 2L), Ratio("whatsAppDelivery"));
        Assert.Equal((1L, 3L), Ratio("fallbackRate"));
        Assert.Equal(2 * 0.025m, stats.GetProperty("estimatedCost").GetDecimal());
        var days = stats.GetProperty("days").EnumerateArray().ToList();
        // By default the dashboard's period: the 30 office days ending today.
        Assert.Equal(30, days.Count);
        Assert.Equal("2026-10-27", days[0].GetProperty("day").GetString());
        Assert.Equal("2026-10-26T17:00:00Z", stats.GetProperty("from").GetString());
        var today = days[^1];
        Assert.Equal("2026-11-25", today.GetProperty("day").GetString());
        Assert.Equal(2, today.GetProperty("whatsAppDelivery").GetProperty("denominator").GetInt64());
        Assert.Equal(2, today.GetProperty("optIns").GetInt64());
    }
}
