using Cronos;
using Microsoft.Extensions.Options;

namespace Kabar.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// The named jobs' registry, runner and scheduler. Each feature adds its own
    /// <see cref="JobDefinition"/>; the registry sees them all, in name order.
    /// </summary>
    public static IHostApplicationBuilder AddKabarJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations()
            .Configure<IConfiguration>((o, config) =>
            {
                foreach (var job in config.GetSection(JobsOptions.Section).GetChildren())
                {
                    if (job["Cron"] is { Length: > 0 } cron)
                    {
                        o.Cron[job.Key] = cron;
                    }
                }
            });
        builder.Services.AddSingleton<IValidateOptions<JobsOptions>, CronValidation>();
        builder.Services.AddSingleton<JobRegistry>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService<JobSchedulerWorker>();
        return builder;
    }

    private sealed class CronValidation : IValidateOptions<JobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobsOptions options)
        {
            var bad = new List<string>();
            foreach (var (job, cron) in options.Cron)
            {
                try
                {
                    CronExpression.Parse(cron);
                }
                catch (CronFormatException ex)
                {
                    bad.Add($"Kabar:Jobs:{job}:Cron '{cron}' is not a cron expression (minute hour day month weekday, e.g. '0 6 * * *'): {ex.Message}");
                }
            }

            return bad.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(bad);
        }
    }
}
