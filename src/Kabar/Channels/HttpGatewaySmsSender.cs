using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Kabar.Channels;

/// <summary>
/// A generic HTTP SMS gateway, the way Indonesian gateways work (SPEC §13): <c>POST {Url}</c> with
/// <c>{ "to", "text", "reference" }</c>; any 2xx means the gateway took the message.
/// </summary>
internal sealed class HttpGatewaySmsSender(IHttpClientFactory clients, IOptions<SmsOptions> options, TimeProvider time) : ISmsSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Provider => "Http";

    public async Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var settings = options.Value.Http;
        var json = JsonSerializer.Serialize(new GatewayRequest(message.To, message.Text, message.Reference), Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            // A byte body with a length, not a chunked stream: some gateways refuse chunked requests.
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(settings.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }

        var exchange = await SmsHttp.SendAsync(clients.CreateClient(SmsHttp.ClientName), request, settings.Timeout, time, "SMS gateway", ct);
        if (exchange.NoAnswer is not null)
        {
            return exchange.NoAnswer;
        }

        if (exchange.Status is >= 200 and < 300)
        {
            return ChannelSendResult.Accepted(SmsHttp.ReadJsonField(exchange.Body, "id", "messageId"));
        }

        return new ChannelSendResult(
            SendOutcome.Failed,
            Error: $"HTTP {exchange.Status}: {SmsHttp.Excerpt(exchange.Body, message.To)}",
            Retryable: SmsHttp.IsRetryable(exchange.Status));
    }

    private sealed record GatewayRequest(string To, string Text, string Reference);
}
