using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>Wakes a worker when work is queued in this process; workers also poll (STYLE 16).</summary>
public class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    public void Dispose()
    {
        signal.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Wakes the dispatcher.</summary>
public sealed class DispatchSignal : WorkSignal;

/// <summary>Wakes the status worker.</summary>
public sealed class StatusSignal : WorkSignal;

/// <summary>
/// Runs the dispatcher for every business number this process may hold. One bad pass is logged
/// and the loop goes on; the next pass retries (STYLE 15).
/// </summary>
internal sealed partial class DispatchWorker(
    Dispatcher dispatcher,
    DispatchSignal signal,
    IOptions<NotificationOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    TimeProvider time,
    ILogger<DispatchWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled)
        {
            return;
        }

        var numbers = whatsApp.Value.EffectiveNumbers;
        try
        {
            await dispatcher.AdoptOrphansAsync(stoppingToken);
            await Task.WhenAll(numbers.Select(n => Task.Run(() => RunNumberAsync(n, stoppingToken), stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await dispatcher.ReleaseAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogReleaseFailed(ex);
        }
    }

    private async Task RunNumberAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var pass = await dispatcher.RunOnceAsync(number, ct);
                if (pass.Claimed >= options.Value.BatchSize || (pass.Sent > 0 && pass.NextFree is null))
                {
                    continue; // more may be due right now
                }

                var now = time.GetUtcNow().UtcDateTime;
                wait = pass.NextFree is { } free && free - now < options.Value.PollInterval
                    ? free - now
                    : options.Value.PollInterval;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPassFailed(ex, number.PhoneNumberId);
                wait = options.Value.PollInterval;
            }

            if (wait > TimeSpan.Zero)
            {
                await signal.WaitAsync(wait, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatch pass for number {PhoneNumberId} failed; retrying")]
    private partial void LogPassFailed(Exception ex, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the sending leases on shutdown; they expire on their own")]
    private partial void LogReleaseFailed(Exception ex);
}
