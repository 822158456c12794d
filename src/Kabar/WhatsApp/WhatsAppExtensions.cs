using Kabar.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Kabar.WhatsApp;

public static class WhatsAppExtensions
{
    public static IHostApplicationBuilder AddKabarWhatsApp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWhatsAppSettings();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<Keywords>();
        builder.Services.AddSingleton<ConfirmationTexts>();
        builder.Services.AddScoped<InboundProcessor>();
        builder.Services.AddSingleton<WebhookReplay>();
        builder.Services.AddCloudApiClient();

        // Template statuses are refreshed every six hours.
        builder.Services.AddScoped<TemplateSync>();
        builder.Services.AddSingleton(new JobDefinition("template-sync", "30 */6 * * *", async (sp, now, ct) =>
        {
            var result = await sp.GetRequiredService<TemplateSync>().RunAsync(ct);
            return new JobOutcome(result.Added, $"{result.Templates} template(s), {result.Added} added, {result.Changed} changed");
        }));
        return builder;
    }

    /// <summary>
    /// The WhatsApp settings and the Graph API's address: all that a host serving only the Cloud API
    /// simulator needs of WhatsApp (the simulator's own host, see Simulator/SimulatorHost).
    /// </summary>
    public static IServiceCollection AddWhatsAppSettings(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<WhatsAppOptions>()
            .BindConfiguration(WhatsAppOptions.Section)
            .ValidateDataAnnotations();
        services.TryAddSingleton<GraphApiEndpoint>();
        return services;
    }

    /// <summary>The Graph API client: the named HttpClient, its retry policy and <see cref="IWhatsAppClient"/>.</summary>
    public static IServiceCollection AddCloudApiClient(this IServiceCollection services)
    {
        services.TryAddSingleton<GraphApiEndpoint>();
        services.TryAddSingleton<SandboxToken>();
        // One long-lived pool of keep-alive connections, each renewed after five minutes (for DNS):
        // the send limiter knows which sends open a connection, and so reach Meta a handshake late,
        // only while the factory does not swap the whole pool every two minutes.
        services.AddHttpClient(CloudApiClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(GraphHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("graph-api", pipeline => pipeline.AddRetry(GraphRetry()));
        // Sends have a client of their own, with a pool the limiter's connection count is about
        // alone: no retry handler (a POST to /messages is never retried there) and none of the
        // factory's per-request log handlers (the client logs each failure itself, the recipient
        // masked). At a thousand sends a second both cost processor time and allocations.
        services.AddHttpClient(CloudApiClient.SendClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(GraphHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<IWhatsAppClient, CloudApiClient>();
        return services;
    }

    private static SocketsHttpHandler GraphHandler() => new()
    {
        PooledConnectionLifetime = CloudApiClient.ConnectionLifetime,
        PooledConnectionIdleTimeout = CloudApiClient.ConnectionIdle,
    };

    /// <summary>
    /// Retries only reads (template sync). A POST to /messages is never retried here: if the first
    /// try reached Meta, a retry is a second message to a citizen. The dispatcher owns send
    /// retries, with durable state and the callback data to tell a lost answer from a lost send.
    /// </summary>
    private static HttpRetryStrategyOptions GraphRetry()
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
            // Meta sends Retry-After on throttling (429 and some 5xx); honour it.
            ShouldRetryAfterHeader = true,
        };
        retry.DisableForUnsafeHttpMethods();
        return retry;
    }
}
