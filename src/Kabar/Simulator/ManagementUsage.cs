using System.Text.Json.Nodes;

namespace Kabar.Simulator;

/// <summary>
/// Meta's Business Use Case rate limit on management calls: a budget of calls per business account
/// over a sliding hour (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
/// Every answer reports the use as percentages in <c>X-Business-Use-Case-Usage</c>; over budget a
/// call is refused with 80008 and the header says in how many minutes access comes back.
/// </summary>
internal sealed class ManagementUsage(int perHour, TimeProvider time)
{
    public const string Header = "X-Business-Use-Case-Usage";
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly Lock gate = new();
    private readonly List<long> calls = [];

    /// <summary>Counts a call unless the budget is spent; the reading after it.</summary>
    public (int Percent, int RegainMinutes, bool Throttled) Take()
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (gate)
        {
            calls.RemoveAll(t => t <= now - Hour.Ticks);
            if (calls.Count >= perHour)
            {
                // Access returns when enough calls have left the hour to leave room for one more.
                var freedAt = calls[calls.Count - perHour] + Hour.Ticks;
                var minutes = (int)Math.Ceiling(TimeSpan.FromTicks(freedAt - now).TotalMinutes);
                return (Percent(), Math.Max(1, minutes), true);
            }

            calls.Add(now);
            return (Percent(), 0, false);
        }
    }

    /// <summary>Replaces the hour's calls with <paramref name="percent"/> of the budget made just now.</summary>
    public void Set(int percent)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (gate)
        {
            calls.Clear();
            var count = (int)Math.Ceiling(percent * (double)perHour / 100);
            calls.AddRange(Enumerable.Repeat(now, count));
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    /// <summary>The header's value for <paramref name="wabaId"/>.</summary>
    public static string HeaderValue(string wabaId, int percent, int regainMinutes) => new JsonObject
    {
        [wabaId] = new JsonArray(new JsonObject
        {
            ["type"] = "whatsapp_business_management",
            ["call_count"] = percent,
            // The simulator does no work worth timing; Meta's CPU and time shares follow the calls.
            ["total_cputime"] = percent / 4,
            ["total_time"] = percent / 4,
            ["estimated_time_to_regain_access"] = regainMinutes,
        }),
    }.ToJsonString();

    private int Percent() => (int)Math.Min(100, Math.Round(calls.Count * 100.0 / perHour));
}
