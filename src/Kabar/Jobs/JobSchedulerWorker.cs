using Microsoft.Extensions.Options;

namespace Kabar.Jobs;

/// <summary>Checks for due jobs at start (catching up missed runs) and then every poll interval.</summary>
internal sealed partial class JobSchedulerWorker(JobRunner runner, IOptions<JobsOptions> options, TimeProvider time,
    ILogger<JobSchedulerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SchedulerEnabled)
        {
            return;
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
