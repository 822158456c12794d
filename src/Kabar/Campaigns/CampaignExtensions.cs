using Kabar.Jobs;

namespace Kabar.Campaigns;

public static class CampaignExtensions
{
    /// <summary>Opt-in campaigns and the <c>opt-in-campaigns</c> job that paces them.</summary>
    public static IHostApplicationBuilder AddKabarCampaigns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton<CampaignService>();
        builder.Services.AddSingleton<CampaignReports>();
        builder.Services.AddSingleton<CampaignRunner>();
        builder.Services.AddSingleton<CampaignOpens>();

        // Every five minutes: the daily cap is spread over the sending hours in small batches, and a
        // pause or a restart takes effect within one run.
        builder.Services.AddSingleton(new JobDefinition(CampaignRunner.JobName, "*/5 * * * *",
            (sp, now, ct) => sp.GetRequiredService<CampaignRunner>().RunAsync(now, ct)));
        return builder;
    }
}
