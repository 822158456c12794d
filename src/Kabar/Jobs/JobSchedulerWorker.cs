using Microsoft.Extensions.Options;

namespace Kabar.Jobs;

/// <summary>
/// Checks for due jobs once the web server is listening (catching up missed runs) and then every
/// poll interval.
/// </summary>
internal sealed partial class JobSchedulerWorker(JobRunner runner, IOptions<JobsOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<JobSchedulerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SchedulerEnabled)
        {
            return;
        }

        // Hosted services start before the web server listens. A job may read this process's own
        // simulators (SiCantik's and Meta's in sandbox mode, at Kabar's own address); run at once
        // on a new database, it found the port closed and failed with an error in the log.
        using (var started = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStarted))
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, started.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Started.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler pass failed; trying again at the next poll")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
