using System.Diagnostics.Metrics;

namespace Kabar.Operations;

/// <summary>The last measured queue depth and age, read by the gauges at each scrape.</summary>
public sealed class QueueSnapshot
{
    private static readonly string[] States = ["queued", "scheduled"];

    private volatile Measured current = new([0, 0], [0, 0]);

    private sealed record Measured(long[] Depth, double[] OldestAgeSeconds);

    public void Set(long queued, long scheduled, TimeSpan queuedAge, TimeSpan scheduledAge) =>
        current = new([queued, scheduled], [Math.Max(0, queuedAge.TotalSeconds), Math.Max(0, scheduledAge.TotalSeconds)]);

    public IEnumerable<Measurement<long>> Depth()
    {
        var c = current;
        for (var i = 0; i < States.Length; i++)
        {
            yield return new(c.Depth[i], new KeyValuePair<string, object?>("state", States[i]));
        }
    }

    public IEnumerable<Measurement<double>> OldestAge()
    {
        var c = current;
        for (var i = 0; i < States.Length; i++)
        {
            yield return new(c.OldestAgeSeconds[i], new KeyValuePair<string, object?>("state", States[i]));
        }
    }
}
