using Kabar.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Kabar.Operations;

/// <summary>Metrics for Prometheus, the OpenAPI document of <c>/api</c> and its reference page.</summary>
public static class OperationsExtensions
{
    public const string MetricsPath = "/metrics";
    public const string OpenApiPath = "/openapi/{documentName}.json";
    public const string ReferencePath = "/scalar";

    public static WebApplicationBuilder AddKabarOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton<QueueSnapshot>();
        builder.Services.AddSingleton<KabarMetrics>();
        builder.Services.AddSingleton<QueueGaugeWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueGaugeWorker>());

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(KabarMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            // Each scrape sees the counters as they are now; Prometheus scrapes every 15 s or so anyway.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        builder.Services.AddOpenApi("v1", o =>
        {
            // The document describes the integration API only: the simulator, webhooks, health
            // and the citizen pages are not for API clients.
            o.ShouldInclude = d => d.RelativePath is { } p && p.StartsWith("api/", StringComparison.Ordinal);
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<ApiOperationTransformer>();
            o.AddOperationTransformer<ProblemResponseTransformer>();
            // After the problem answers: the CSV bodies it adds are not JSON, so they get no "not valid JSON" 400.
            o.AddOperationTransformer<ApiExampleTransformer>();
            o.AddSchemaTransformer<ApiSchemaTransformer>();
        });
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (!options.AllowRemote)
            {
                branch.Use(static (context, next) => Network.LocalRequests.IsLocal(context)
                    ? next(context)
                    : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Metrics are local only",
                        detail: "Scrape from this machine directly (not through a proxy), or set Kabar:Metrics:AllowRemote=true (see docs/operations.md).").ExecuteAsync(context));
            }
        }, optionsName: null).AllowAnonymous();

        app.MapOpenApi(OpenApiPath).AllowAnonymous().ExcludeFromDescription();

        // The reference page's script (scalar.js) is embedded in Scalar.AspNetCore and served from
        // here; the fonts it would load from Scalar's CDN are turned off, and so are its telemetry,
        // its AI agent and MCP links: a government office's API page calls nobody else.
        app.MapScalarApiReference(ReferencePath, (o, context) =>
        {
            o.WithTitle("Kabar API")
                .WithOpenApiRoutePattern(OpenApiPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                // Its developer toolbar links to Scalar's hosted services ("Deploy", "Generate SDK").
                .HideDeveloperTools()
                .WithNonce()
                .AddPreferredSecuritySchemes(ApiDocumentTransformer.SchemeName);
            context.Response.OnStarting(() =>
            {
                if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                {
                    context.Response.Headers.ContentSecurityPolicy = ReferencePagePolicy(nonce);
                }

                return Task.CompletedTask;
            });
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The site's policy, loosened only as far as the reference page needs: its inline start-up
    /// script by nonce, and the styles its components inject. Still nothing from another origin.
    /// </summary>
    private static string ReferencePagePolicy(string nonce) =>
        $"default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + $"script-src 'self' 'nonce-{nonce}'; connect-src 'self'; worker-src 'self' blob:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    internal static bool RequiresApiKey(IList<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any(a => a.Policy is ApiAuth.ReadPolicy or ApiAuth.WritePolicy)
        && !metadata.OfType<IAllowAnonymous>().Any();
}
