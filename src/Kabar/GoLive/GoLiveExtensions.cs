namespace Kabar.GoLive;

public static class GoLiveExtensions
{
    /// <summary>The go-live check and template submission (docs/going-live.md), for the command line and the console.</summary>
    public static IHostApplicationBuilder AddKabarGoLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(GraphManagementClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<GraphBudget>();
        builder.Services.AddScoped<GraphManagementClient>();
        builder.Services.AddScoped<WhatsAppCheck>();
        builder.Services.AddScoped<TemplateSubmitter>();
        builder.Services.AddSingleton<LastCheck>();
        return builder;
    }
}
