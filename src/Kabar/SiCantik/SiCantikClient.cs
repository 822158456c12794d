using System.Net;
using System.Text;
using Kabar.Simulator;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.SiCantik;

/// <summary>
/// GET requests to SiCantik's back-office API, paced by <see cref="SiCantikPacer"/>, each bounded by
/// <see cref="SiCantikOptions.Timeout"/>; asks for JSON and reads XML as well (docs/sicantik.md).
/// Never throws for what the server does: every outcome is a <see cref="SiCantikAnswer"/>.
/// </summary>
internal sealed partial class SiCantikClient(
    IHttpClientFactory httpClients,
    SiCantikPacer pacer,
    IOptions<SiCantikOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    GraphApiEndpoint self,
    IServiceProvider services,
    ILogger<SiCantikClient> logger)
{
    public const string HttpClientName = "sicantik";

    /// <summary>The base address in use, or null when the connector is off (docs/sicantik.md).</summary>
    public string? BaseUrl => options.Value.BaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/')
        : whatsApp.Value.SandboxMode && SimulatorExtensions.IsEnabled(services) ? self.Self + SiCantikSimulatorApi.SandboxApiBase
        : null;

    /// <summary>One page of a list: <c>{list}/limit/{n}/offset/{m}</c>.</summary>
    public Task<SiCantikAnswer> ListPageAsync(string list, int limit, string offset, CancellationToken ct) =>
        GetAsync($"{list}/limit/{limit}/offset/{offset}?format=json", ct);

    /// <summary>One issued permit in full, found by its permit number (<c>cekperizinan</c>).</summary>
    public Task<SiCantikAnswer> IssuedAsync(string permitNumber, CancellationToken ct) =>
        GetAsync("cekperizinan?no_izin=" + Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes(permitNumber))) + "&format=json", ct);

    /// <summary>An application's tracking steps, the current one marked (<c>permohonan2</c>).</summary>
    public Task<SiCantikAnswer> StepsAsync(string registrationId, CancellationToken ct) =>
        GetAsync("permohonan2?pendaftaran=" + Uri.EscapeDataString(registrationId) + "&format=json", ct);

    private async Task<SiCantikAnswer> GetAsync(string pathAndQuery, CancellationToken ct)
    {
        if (BaseUrl is not { } baseUrl)
        {
            return SiCantikAnswer.Failed("The SiCantik connector is off: Kabar:SiCantik:BaseUrl is empty.");
        }

        var what = pathAndQuery.Split('?', '/')[0];
        await pacer.WaitTurnAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/" + pathAndQuery);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return Answer(what, response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Logged(what, SiCantikAnswer.Failed($"SiCantik did not answer {what} within {options.Value.Timeout.TotalSeconds:0} s."));
        }
        catch (HttpRequestException ex)
        {
            return Logged(what, SiCantikAnswer.Failed($"SiCantik could not be reached for {what}: {ex.Message}"));
        }
    }

    private SiCantikAnswer Answer(string what, HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return Logged(what, SiCantikAnswer.Failed($"SiCantik answered {what} with a server error (HTTP {code})."));
        }

        if (code == 400 || (code == 404 && string.IsNullOrWhiteSpace(body)))
        {
            return new SiCantikAnswer(SiCantikAnswerKind.Refused, [], $"SiCantik refused the request for {what} (HTTP {code} with no body).");
        }

        try
        {
            var (rows, error) = SiCantikBody.Read(body);
            if (code == 404)
            {
                return new SiCantikAnswer(SiCantikAnswerKind.NoData, [], error);
            }

            if (code is < 200 or > 299 || error is not null)
            {
                return Logged(what, SiCantikAnswer.Failed($"SiCantik answered {what} with HTTP {code}: {error ?? "an unexpected answer"}."));
            }

            return new SiCantikAnswer(SiCantikAnswerKind.Rows, rows);
        }
        catch (FormatException ex)
        {
            return Logged(what, SiCantikAnswer.Failed($"SiCantik's answer to {what} could not be read ({ex.Message})."));
        }
    }

    private SiCantikAnswer Logged(string what, SiCantikAnswer answer)
    {
        LogFailed(what, answer.Problem);
        return answer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SiCantik request {What} failed: {Problem}")]
    private partial void LogFailed(string what, string? problem);
}
