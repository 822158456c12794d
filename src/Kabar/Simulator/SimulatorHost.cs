using Kabar.Common;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Simulator;

/// <summary>
/// <c>kabar simulator --urls URL</c> (SPEC §13): the Cloud API simulator alone, mapped at the root,
/// with the SiCantik simulator under <c>/backoffice/api</c>, for tests and benchmarks. Configured from the same keys (<c>Kabar:Simulator:*</c>,
/// <c>Kabar:WhatsApp:*</c>) on the command line or in environment variables; webhooks go to
/// <c>Kabar:Simulator:WebhookUrl</c>, signed with <c>Kabar:Simulator:AppSecret</c>.
/// </summary>
public static class SimulatorHost
{
    private const string Usage = "usage: kabar simulator --urls http://HOST:PORT [--Kabar:Simulator:WebhookUrl=URL] [--Kabar:Simulator:AppSecret=SECRET]";

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync("simulator: " + string.Join(" ", ex.Failures));
                return 1;
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync("simulator: cannot listen: " + ex.Message);
                return 1;
            }

            Console.WriteLine($"Cloud API simulator listening on {string.Join(", ", app.Urls)} (SiCantik under {SiCantikSimulatorApi.StandaloneApiBase})");
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>Starts the simulator in-process, by default on a free loopback port; read the address from <c>Urls</c>.</summary>
    public static async Task<WebApplication> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = Build(["--urls", settings?.TryGetValue("urls", out var urls) == true && urls is not null ? urls : "http://127.0.0.1:0"], settings);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Builds the host over host settings only (the command line has taken the command out); throws
    /// <see cref="ArgumentException"/> with a one-line reason when <c>urls</c> is missing or not http(s).
    /// </summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var urls = builder.Configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            throw new ArgumentException($"simulator: --urls is required. {Usage}");
        }

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"simulator: '{url}' is not an http(s) URL. {Usage}");
            }
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SimulatorStandalone());
        builder.Services.AddWhatsAppSettings();
        builder.Services.AddCloudApiSimulator();
        builder.Services.AddSiCantikSimulator();
        MaskingLoggerProvider.AddTo(builder.Services);
        var app = builder.Build();
        app.MapCloudApiSimulator("");
        app.MapSiCantikSimulator(SiCantikSimulatorApi.StandaloneApiBase, SiCantikSimulatorApi.StandaloneControlBase);
        return app;
    }
}
