using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Simulator;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Simulator;

/// <summary>One webhook POST as the receiver got it.</summary>
public sealed record ReceivedWebhook(JsonElement Body, bool SignatureValid);

/// <summary>A tiny Kestrel endpoint on a real port that records webhooks and checks their signatures.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly SemaphoreSlim arrived = new(0);
    private WebApplication app = null!;

    public string Url { get; private set; } = "";

    /// <summary>The status code answered; anything but 200 makes the simulator retry.</summary>
    public int StatusCode { get; set; } = 200;

    public IReadOnlyList<ReceivedWebhook> Received => received.ToArray();

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver.app = builder.Build();
        receiver.app.MapPost("/hook", async (HttpContext http) =>
        {
            // The answer is fixed before the arrival is announced: a test that changes StatusCode
            // as soon as it sees this post must not change the answer to this very post.
            var status = receiver.StatusCode;
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            var valid = WebhookSignature.IsValid(bytes, http.Request.Headers[WebhookSignature.Header], secret);
            receiver.received.Enqueue(new ReceivedWebhook(JsonDocument.Parse(bytes).RootElement.Clone(), valid));
            receiver.arrived.Release();
            return Results.StatusCode(status);
        });
        await receiver.app.StartAsync();
        receiver.Url = receiver.app.Urls.First() + "/hook";
        return receiver;
    }

    /// <summary>All status objects received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Statuses => Values("statuses");

    public IReadOnlyList<JsonElement> Values(string array) => Received
        .SelectMany(w => w.Body.GetProperty("entry").EnumerateArray())
        .SelectMany(e => e.GetProperty("changes").EnumerateArray())
        .Select(c => c.GetProperty("value"))
        .Where(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty(array, out _))
        .SelectMany(v => v.GetProperty(array).EnumerateArray())
        .ToList();

    /// <summary>Waits until <paramref name="done"/> holds; fails with what arrived when it does not within 10 s.</summary>
    public async Task WaitForAsync(Func<WebhookReceiver, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!done(this))
        {
            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("Webhooks did not arrive in time; received: "
                    + string.Join("\n", Received.Select(r => r.Body.GetRawText())));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        arrived.Dispose();
    }
}

/// <summary>
/// The standalone simulator on a real loopback port, a webhook receiver and a <see cref="CloudApiClient"/>
/// pointed at the simulator: everything crosses real sockets.
/// </summary>
public abstract class SimulatorOverSockets : IAsyncLifetime
{
    public const string Secret = "simulator-test-secret";
    public const string PhoneNumberId = "900000000000001";

    private ServiceProvider? clientServices;

    protected WebApplication Simulator { get; private set; } = null!;

    protected WebhookReceiver Receiver { get; private set; } = null!;

    protected IWhatsAppClient Client { get; private set; } = null!;

    protected HttpClient Control { get; private set; } = null!;

    protected string SimulatorUrl { get; private set; } = "";

    /// <summary>Extra <c>Kabar:Simulator:*</c> settings for this scenario.</summary>
    protected virtual Dictionary<string, string?> Settings => [];

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync(Secret);
        var settings = new Dictionary<string, string?>
        {
            ["Kabar:Simulator:WebhookUrl"] = Receiver.Url,
            ["Kabar:Simulator:AppSecret"] = Secret,
            ["Kabar:Simulator:SentDelay"] = "00:00:00.010",
            ["Kabar:Simulator:DeliveredDelay"] = "00:00:00.020",
            ["Kabar:Simulator:WebhookBatchInterval"] = "00:00:00.001",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        Simulator = await SimulatorHost.StartAsync(settings);
        SimulatorUrl = Simulator.Urls.First();
        (clientServices, Client) = CreateClient(SimulatorUrl);
        Control = new HttpClient { BaseAddress = new Uri(SimulatorUrl + "/_control/") };
    }

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        if (clientServices is not null)
        {
            await clientServices.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>A Cloud API client as Kabar registers it, talking to <paramref name="baseUrl"/>.</summary>
    public static (ServiceProvider Services, IWhatsAppClient Client) CreateClient(string baseUrl, string? accessToken = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kabar:WhatsApp:GraphApiBaseUrl"] = baseUrl,
            ["Kabar:WhatsApp:SendTimeout"] = "00:00:05",
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = PhoneNumberId,
            ["Kabar:WhatsApp:Numbers:0:AccessToken"] = accessToken,
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddLogging();
        services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section);
        services.AddCloudApiClient();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IWhatsAppClient>());
    }

    public static WhatsAppSendRequest Template(string to, string callbackData, string name = "permit_ready", int parameters = 5,
        string language = "id", string? accessToken = "token") =>
        new(PhoneNumberId, accessToken, to, null, callbackData,
            new TemplateContent(name, language, Enumerable.Range(1, parameters).Select(i => new TemplateParameter(null, $"p{i}")).ToList()),
            null);

    public static WhatsAppSendRequest Text(string to, string callbackData, string text = "Terima kasih") =>
        new(PhoneNumberId, "token", to, null, callbackData, null, text);

    /// <summary>Sends <see cref="Template"/> through Kabar's client.</summary>
    protected Task<WhatsAppSendResult> SendTemplateAsync(string to, string callbackData, string name = "permit_ready", int parameters = 5,
        string language = "id", string? accessToken = "token") =>
        Client.SendAsync(Template(to, callbackData, name, parameters, language, accessToken), CancellationToken.None);

    /// <summary>Arms a fault (<c>POST _control/faults</c>), which the simulator must accept.</summary>
    protected async Task FaultAsync(object fault)
    {
        using var response = await Control.PostAsJsonAsync("faults", fault);
        await Infrastructure.Http.AssertStatusAsync(response, System.Net.HttpStatusCode.OK);
    }

    protected async Task<List<JsonElement>> ControlMessagesAsync(string to) =>
        (await Control.GetFromJsonAsync<List<JsonElement>>($"messages?to={Uri.EscapeDataString(to)}"))!;

    protected async Task<JsonElement> StatsAsync() => await Control.GetFromJsonAsync<JsonElement>("stats");

    protected static IEnumerable<JsonElement> Of(IEnumerable<JsonElement> statuses, string? wamid) =>
        statuses.Where(s => s.GetProperty("id").GetString() == wamid);
}
