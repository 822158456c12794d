using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Kabar.SiCantik;

/// <summary>
/// Spaces the connector's requests 10 % wider than 1/<see cref="SiCantikOptions.RequestsPerSecond"/>,
/// measured from the last start, so no second at the server ever holds more than the setting
/// allows: a request held up on the way by up to a tenth of a second cannot bunch up with the next
/// ones. A token bucket that refills on a timer can let two requests through closer than its period
/// when a refill comes late and the next on time. This is the wall clock: it paces requests to
/// another server, not Kabar's own schedule.
/// </summary>
internal sealed class SiCantikPacer(IOptions<SiCantikOptions> options) : IDisposable
{
    /// <summary>How much wider than the setting's own spacing requests go.</summary>
    private const double Margin = 1.1;

    private readonly SemaphoreSlim turn = new(1, 1);
    private long lastStart = long.MinValue;

    public void Dispose() => turn.Dispose();

    public async Task WaitTurnAsync(CancellationToken ct)
    {
        await turn.WaitAsync(ct);
        try
        {
            var interval = TimeSpan.FromSeconds(Margin / options.Value.RequestsPerSecond);
            if (lastStart != long.MinValue)
            {
                var wait = interval - Stopwatch.GetElapsedTime(lastStart);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }

                while (Stopwatch.GetElapsedTime(lastStart) < interval)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1), ct); // a timer may wake a little early
                }
            }

            lastStart = Stopwatch.GetTimestamp();
        }
        finally
        {
            turn.Release();
        }
    }
}
