using Kabar.Jobs;

namespace Kabar.Privacy;

public static class PrivacyExtensions
{
    /// <summary>Data subject requests (export, correction, erasure), the erased-number register and the retention job.</summary>
    public static IHostApplicationBuilder AddKabarPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.ErasureKey) || o.ErasureKey.Length >= 32,
                "Kabar:Privacy:ErasureKey must be at least 32 characters, or empty to keep a generated key in the database.");
        builder.Services.AddSingleton<ErasureRegistry>();
        builder.Services.AddSingleton<DataSubjects>();
        builder.Services.AddSingleton<RetentionJob>();

        // 02:00 in the office's time zone, before the day's reminders are planned.
        builder.Services.AddSingleton(new JobDefinition(RetentionJob.Name, "0 2 * * *",
            (sp, now, ct) => sp.GetRequiredService<RetentionJob>().RunAsync(now, ct)));
        return builder;
    }
}
