namespace Kabar.GoLive;

/// <summary>
/// What Meta last said of its rate limits for this process's management calls: the highest share of
/// a budget in use and, once Meta asked to wait, until when no call is made. One per process, so a
/// second click on the console's check right after a throttle does not call Meta again.
/// </summary>
public sealed class GraphBudget
{
    private readonly Lock gate = new();
    private DateTimeOffset? blockedUntil;
    private double usage;

    public (DateTimeOffset? BlockedUntil, double Usage) Read()
    {
        lock (gate)
        {
            return (blockedUntil, usage);
        }
    }

    /// <summary>Records an answer's usage; <paramref name="wait"/> set when Meta asked to wait.</summary>
    public void Record(double percent, DateTimeOffset now, TimeSpan? wait)
    {
        lock (gate)
        {
            usage = percent;
            if (wait is { } w && (blockedUntil is null || blockedUntil < now + w))
            {
                blockedUntil = now + w;
            }
        }
    }
}
