using Cronos;
using Kabar.Jobs;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Permits;

public static class PermitExtensions
{
    /// <summary>Permits, their notices, the office calendar, and the named jobs with their scheduler.</summary>
    public static IHostApplicationBuilder AddKabarPermits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<PermitOptions>().BindConfiguration(PermitOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ExpiryReminderDays.All(d => d is > 0 and <= 366),
                "Kabar:Permits:ExpiryReminderDays must list days between 1 and 366, for example [90, 60, 30, 7, 1].");
        builder.Services.AddOptionsWithValidateOnStart<CalendarOptions>().BindConfiguration(CalendarOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.OfficeOpens < o.OfficeCloses, "Kabar:Calendar:OfficeOpens must come before Kabar:Calendar:OfficeCloses.");
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

        builder.Services.AddSingleton<WorkCalendar>();
        builder.Services.AddSingleton<PermitNotices>();
        builder.Services.AddSingleton<PermitWriter>();
        builder.Services.AddSingleton<PermitImporter>();
        builder.Services.AddSingleton<ExpiryReminders>();
        builder.Services.AddSingleton<DocumentReminders>();

        // Cron in the office's time zone: 06:00 plans the day's expiry reminders (they go out when
        // the office opens), 09:00 reminds staff, template statuses are refreshed every six hours.
        builder.Services.AddSingleton(new JobDefinition(ExpiryReminders.Name, "0 6 * * *",
            (sp, now, ct) => sp.GetRequiredService<ExpiryReminders>().RunAsync(now, ct)));
        builder.Services.AddSingleton(new JobDefinition(DocumentReminders.Name, "0 9 * * *",
            (sp, now, ct) => sp.GetRequiredService<DocumentReminders>().RunAsync(now, ct)));
        builder.Services.AddSingleton(new JobDefinition("template-sync", "30 */6 * * *", async (sp, now, ct) =>
        {
            var result = await sp.GetRequiredService<TemplateSync>().RunAsync(ct);
            return new JobOutcome(result.Added, $"{result.Templates} template(s), {result.Added} added, {result.Changed} changed");
        }));
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
