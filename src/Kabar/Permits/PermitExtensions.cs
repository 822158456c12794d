using Kabar.Jobs;

namespace Kabar.Permits;

public static class PermitExtensions
{
    /// <summary>Permits, their notices, the office calendar, and the permit reminder jobs.</summary>
    public static IHostApplicationBuilder AddKabarPermits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<PermitOptions>().BindConfiguration(PermitOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ExpiryReminderDays.All(d => d is > 0 and <= 366),
                "Kabar:Permits:ExpiryReminderDays must list days between 1 and 366, for example [90, 60, 30, 7, 1].");
        builder.Services.AddOptionsWithValidateOnStart<CalendarOptions>().BindConfiguration(CalendarOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.OfficeOpens < o.OfficeCloses, "Kabar:Calendar:OfficeOpens must come before Kabar:Calendar:OfficeCloses.");

        builder.Services.AddSingleton<WorkCalendar>();
        builder.Services.AddSingleton<PermitNotices>();
        builder.Services.AddSingleton<PermitWriter>();
        builder.Services.AddSingleton<PermitImporter>();
        builder.Services.AddSingleton<ExpiryReminders>();
        builder.Services.AddSingleton<DocumentReminders>();

        // Cron in the office's time zone: 06:00 plans the day's expiry reminders (they go out when
        // the office opens), 09:00 reminds staff.
        builder.Services.AddSingleton(new JobDefinition(ExpiryReminders.Name, "0 6 * * *",
            (sp, now, ct) => sp.GetRequiredService<ExpiryReminders>().RunAsync(now, ct)));
        builder.Services.AddSingleton(new JobDefinition(DocumentReminders.Name, "0 9 * * *",
            (sp, now, ct) => sp.GetRequiredService<DocumentReminders>().RunAsync(now, ct)));
        return builder;
    }
}
