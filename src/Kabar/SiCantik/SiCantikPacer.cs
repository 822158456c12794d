using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Kabar.SiCantik;

/// <summary>
/// Spaces the connector's requests at least 1/<see cref="SiCantikOptions.RequestsPerSecond"/>
/// apart, so no second ever holds more than the setting allows, however the server answers. A
/// token bucket that refills on a timer can let two requests through closer than that when a
/// refill comes late and the next on time; the spacing here is measured from the last start.
/// This is the wall clock: it paces requests to another server, not Kabar's own schedule.
/// </summary>
internal sealed class SiCantikPacer(IOptions<SiCantikOptions> options) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private long lastStart = long.MinValue;

    public void Dispose() => turn.Dispose();

    public async Task WaitTurnAsync(CancellationToken ct)
    {
        await turn.WaitAsync(ct);
        try
        {
            var interval = TimeSpan.FromSeconds(1 / options.Value.RequestsPerSecond);
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
