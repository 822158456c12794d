using System.Net;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Campaigns;

/// <summary>
/// A simulated experiment with a known truth, run through campaigns, SMS and keyword replies:
/// the verdict the API gives must match it. (The statistics' own error rates are tested beside
/// ExperimentStatistics; this checks that the recorded flow feeds them the right numbers.)
/// </summary>
public sealed class ExperimentVerdictTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(0.10, 0.40, "winner", "b")]
    [InlineData(0.20, 0.20, null, null)]
    public async Task SimulatedReplies_WithAKnownDifference_GiveTheMatchingVerdict(double rateA, double rateB, string? verdict, string? winner)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Campaigns:BatchSize"] = "1000" });
        var experiment = await ExperimentFlowTests.CreateExperimentAsync(app, ExperimentFlowTests.TwoVariants());
        var people = await SeedManyAsync(app, 400, "+62812800");
        await CreateAsync(app, Body(experimentId: experiment));
        await app.RunCampaignsAsync();
        await app.DispatchAsync(maxPasses: 100);

        // People reply MULAI at their variant's true rate, spread evenly (no randomness to flake).
        var seen = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        var replies = 0;
        foreach (var p in people)
        {
            var text = Assert.Single(app.Sms().Received(p.Phone!)).Text;
            var key = text.StartsWith("[A]", StringComparison.Ordinal) ? "a" : "b";
            var n = seen[key]++;
            var rate = key == "a" ? rateA : rateB;
            if (Math.Floor((n + 1) * rate) > Math.Floor(n * rate))
            {
                await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(p.Phone![1..], $"wamid.sim{replies++}", app.Time.GetUtcNow(), "MULAI"))));
            }
        }

        using var api = app.Api();
        using var response = await api.GetAsync($"/api/experiments/{experiment}?lang=en", TestContext.Current.CancellationToken);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var analysis = await KabarApp.ReadAsync<JsonElement>(response);
        Assert.Equal(400, analysis.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("asked").GetInt64()));
        Assert.Equal(replies, analysis.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("converted").GetInt64()));
        if (verdict is not null)
        {
            Assert.Equal(verdict, analysis.GetProperty("verdict").GetString());
            Assert.Equal(winner, analysis.GetProperty("winner").GetString());
        }
        else
        {
            Assert.NotEqual("winner", analysis.GetProperty("verdict").GetString());
            Assert.NotEqual("control_best", analysis.GetProperty("verdict").GetString());
        }

        Assert.False(string.IsNullOrWhiteSpace(analysis.GetProperty("summary").GetString()), analysis.ToString());
    }
}
