using Kabar.Common;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Simulator;

public static class SimulatorExtensions
{
    public const string Prefix = GraphApiEndpoint.SimulatorPrefix;

    /// <summary>The simulator's services; it is mapped only when enabled (see <see cref="MapKabarSimulator"/>).</summary>
    public static IHostApplicationBuilder AddKabarSimulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCloudApiSimulator();
        builder.Services.AddSiCantikSimulator();
        return builder;
    }

    /// <summary>Maps the simulator at <c>/simulator</c> when <c>Kabar:Simulator:Enabled</c> (default: sandbox mode) says so.</summary>
    public static WebApplication MapKabarSimulator(this WebApplication app)
    {
        var sandbox = app.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.SandboxMode;
        var enabled = IsEnabled(app.Services);
        if (enabled && !sandbox)
        {
            // In-process, it would sign forged webhooks with the real app secret.
            throw new KabarConfigurationException(
                "Kabar:Simulator:Enabled is true while a WhatsApp access token is configured; the built-in simulator runs only in sandbox mode. Run it standalone (kabar simulator --urls …) instead.");
        }

        if (enabled)
        {
            app.MapCloudApiSimulator(Prefix, localOnly: true);
            app.MapSiCantikSimulator(SiCantikSimulatorApi.SandboxApiBase, SiCantikSimulatorApi.SandboxControlBase, localOnly: true);
        }

        return app;
    }

    /// <summary>
    /// Whether the in-process simulator is on: <c>Kabar:Simulator:Enabled</c>, by default sandbox mode
    /// (no WhatsApp access token). The sandbox phone pages exist only then.
    /// </summary>
    public static bool IsEnabled(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var sandbox = services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.SandboxMode;
        return services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Enabled ?? sandbox;
    }

    internal static IServiceCollection AddCloudApiSimulator(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.NotOnWhatsApp.All(n => n.StartsWith('+') && n.Length > 8 && n[1..].All(char.IsAsciiDigit)),
                "Kabar:Simulator:NotOnWhatsApp must hold E.164 numbers such as +6281299990000.");
        services.AddSingleton<SimulatorWebhooks>();
        services.AddSingleton<CloudApiSimulator>();
        services.AddHttpClient(SimulatorWebhooks.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>The SiCantik back-office simulator, seeded from <c>Kabar:Simulator:SiCantik</c>.</summary>
    internal static IServiceCollection AddSiCantikSimulator(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<SiCantikSimulatorOptions>()
            .BindConfiguration(SiCantikSimulatorOptions.Section)
            .ValidateDataAnnotations();
        services.AddSingleton<SiCantikSimulator>();
        return services;
    }
}
