using Kabar.Data;
using Kabar.Notifications;
using Microsoft.Extensions.Options;

namespace Kabar.Statuses;

/// <summary>
/// Expands the status webhooks the intake stored (<see cref="StatusExpander.ExpandAsync"/>) and
/// applies the statuses to their attempts (<see cref="StatusApplier.ApplyPendingAsync"/>), in
/// batches, as soon as webhooks store them; lost write races are retried. Each time it wakes it
/// first gives way to a burst of webhooks for up to a second (<see cref="StatusIntake.GiveWayAsync"/>),
/// then works until nothing is left.
/// </summary>
internal sealed partial class StatusWorker(
    IServiceScopeFactory scopes,
    StatusSignal signal,
    StatusIntake intake,
    WriteGate gate,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<StatusWorker> logger) : BackgroundService
{
    private const int Batch = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.StatusWorkerEnabled)
        {
            return;
        }

        long cursor = 0;
        var rested = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (expanded, taken) = (0, 0);
            try
            {
                if (rested)
                {
                    await intake.GiveWayAsync(stoppingToken);
                    rested = false;
                }

                expanded = await scopes.RunWithRetryAsync((sp, ct) =>
                    StatusExpander.ExpandAsync(sp.GetRequiredService<KabarDbContext>(), gate, ct), stoppingToken);
                var after = cursor;
                // The applier takes SQLite's write turn itself, for its writes only.
                (taken, cursor) = await scopes.RunWithRetryAsync((sp, ct) =>
                    sp.GetRequiredService<StatusApplier>().ApplyPendingAsync(time.GetUtcNow().UtcDateTime, Batch, after, ct), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
            }

            if (expanded == 0 && taken < Batch)
            {
                cursor = 0; // the next round looks again at statuses still waiting for their attempt
                rested = true;
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying WhatsApp statuses failed; retrying")]
    private partial void LogFailed(Exception ex);
}
