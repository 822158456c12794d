using Kabar.Jobs;

namespace Kabar.SiCantik;

public static class SiCantikExtensions
{
    private static readonly string[] StepStatuses = ["submitted", "in_review", "needs_documents", "rejected"];

    /// <summary>The SiCantik connector and its job, <c>sicantik-sync</c> (every 15 minutes by default).</summary>
    public static IHostApplicationBuilder AddKabarSiCantik(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<SiCantikOptions>().BindConfiguration(SiCantikOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.BaseUrl)
                    || (Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Kabar:SiCantik:BaseUrl must be an http(s) address such as https://perizinan.karokab.go.id/backoffice/api, or empty (off).")
            .Validate(o => o.StepStatus.Values.All(v => StepStatuses.Contains(v.Trim(), StringComparer.Ordinal)),
                "Kabar:SiCantik:StepStatus:{step id} must be one of " + string.Join(", ", StepStatuses) + ".");
        builder.Services.AddSingleton<SiCantikPacer>();
        // Each request is bounded by Kabar:SiCantik:Timeout itself (SiCantikClient).
        builder.Services.AddHttpClient(SiCantikClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<SiCantikClient>();
        builder.Services.AddSingleton<SiCantikApplier>();
        builder.Services.AddSingleton<SiCantikSync>();
        builder.Services.AddSingleton(new JobDefinition(SiCantikSync.JobName, "*/15 * * * *",
            (sp, now, ct) => sp.GetRequiredService<SiCantikSync>().RunJobAsync(now, ct)));
        return builder;
    }
}
