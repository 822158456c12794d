using System.Collections.Concurrent;
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

    /// <summary>How often a number looks for newly due notices while they keep falling due.</summary>
    private static readonly TimeSpan StreamPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>When each number last sent something.</summary>
    private readonly ConcurrentDictionary<string, DateTime> lastSent = new();

    /// <summary>
    /// Passes one after another for one number; a pass's sends are answered a round trip later,
    /// and meanwhile up to <see cref="NotificationOptions.PassesInFlight"/> passes are under way,
    /// so the round trip does not cost the number its rate (docs/pipeline.md, "Limits").
    /// </summary>
    private async Task RunNumberAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        List<Task> sending = [];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = await NextPassAsync(number, sending, ct);
                if (wait > TimeSpan.Zero)
                {
                    await signal.WaitAsync(wait, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // Shutting down: the sends under way finish (or are cancelled) before the leases go.
            foreach (var pass in sending)
            {
                await ObserveAsync(pass, number);
            }
        }
    }

    /// <summary>Starts the next pass if one may start; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> NextPassAsync(WhatsAppNumberOptions number, List<Task> sending, CancellationToken ct)
    {
        foreach (var done in sending.Where(t => t.IsCompleted).ToList())
        {
            sending.Remove(done);
            await ObserveAsync(done, number);
        }

        if (sending.Count >= options.Value.PassesInFlight)
        {
            await Task.WhenAny(sending);
            return TimeSpan.Zero;
        }

        try
        {
            var pass = await dispatcher.StartPassAsync(number, ct);
            if (!pass.Sending.IsCompleted)
            {
                sending.Add(pass.Sending);
            }
            else
            {
                await ObserveAsync(pass.Sending, number);
            }

            var now = time.GetUtcNow().UtcDateTime;
            if (pass.Sent > 0)
            {
                lastSent[number.PhoneNumberId] = now;
            }

            if (pass.Claimed >= options.Value.BatchSize || (pass.Sent > 0 && pass.NextFree is null))
            {
                return TimeSpan.Zero; // more may be due right now
            }

            // While notices keep falling due (something went in the last poll interval), look
            // again soon: the passes no longer wait for their answers, which used to space them.
            var poll = now - lastSent.GetValueOrDefault(number.PhoneNumberId) < options.Value.PollInterval && StreamPoll < options.Value.PollInterval
                ? StreamPoll
                : options.Value.PollInterval;
            return pass.NextFree is { } free && free - now < poll ? free - now : poll;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPassFailed(ex, number.PhoneNumberId);
            return options.Value.PollInterval;
        }
    }

    /// <summary>A pass's sending ended; a failure is logged, and the next pass retries what it left.</summary>
    private async Task ObserveAsync(Task pass, WhatsAppNumberOptions number)
    {
        try
        {
            await pass;
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogPassFailed(ex, number.PhoneNumberId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatch pass for number {PhoneNumberId} failed; retrying")]
    private partial void LogPassFailed(Exception ex, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the sending leases on shutdown; they expire on their own")]
    private partial void LogReleaseFailed(Exception ex);
}
