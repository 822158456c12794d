using System.Diagnostics;
using Kabar.Channels;
using Kabar.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Simulator;

/// <summary>
/// Meta answers a send a few hundred milliseconds after it arrived, and counts the number's rate
/// when the request arrives, not when it answers (SPEC §1): <c>SendLatency</c> ± <c>SendLatencyJitter</c>.
/// </summary>
public sealed class SendLatencyTests : SimulatorOverSockets
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Kabar:Simulator:MessagesPerSecond"] = "3",
        ["Kabar:Simulator:SendLatency"] = "00:00:01.500",
        ["Kabar:Simulator:SendLatencyJitter"] = "00:00:00.100",
    };

    [Fact]
    public async Task Sends_AreAnsweredOnlyAfterTheLatency_AndTheRateIsCountedAsTheyArrive()
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Client.SendAsync(Template($"+62812777720{i:D2}", $"attempt-{i}"), CancellationToken.None)));

        // Five arrived together, none answered yet: the fourth and fifth are over the rate of three.
        Assert.Equal(3, results.Count(r => r.Outcome == SendOutcome.Accepted));
        Assert.Equal(2, results.Count(r => r is { Outcome: SendOutcome.Failed, ErrorCode: 130429 }));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1400), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task SendsRefusedOverTheRate_AreKeptWithWhenTheyArrived_NotWhenTheyWereAnswered()
    {
        var before = DateTimeOffset.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Client.SendAsync(Template($"+62812777730{i:D2}", $"attempt-{i}"), CancellationToken.None)));
        var answered = DateTimeOffset.UtcNow;

        // The benchmark sets each refusal beside the pauses of the simulator's process
        // (docs/benchmarks.md): the time that counts is the arrival, 1.5 s before the answer.
        var refused = Simulator.Services.GetRequiredService<CloudApiSimulator>().ThrottledArrivals;
        Assert.Equal(2, results.Count(r => r is { ErrorCode: 130429 }));
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal(PhoneNumberId, r.PhoneNumberId);
            Assert.InRange(r.At, before, answered - TimeSpan.FromMilliseconds(1000));
        });
    }
}
