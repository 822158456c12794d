using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace Kabar.Channels;

/// <summary>
/// Twilio's Message resource: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form-encoded,
/// HTTP Basic auth with the account SID and auth token.
/// https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
/// </summary>
internal sealed class TwilioSmsSender(IHttpClientFactory clients, IOptions<SmsOptions> options, TimeProvider time) : ISmsSender
{
    public string Provider => "Twilio";

    public async Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var settings = options.Value.Twilio;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", message.To),
            new("Body", message.Text),
            // A Messaging Service picks the sender from its pool; Twilio refuses a service SID in From.
            settings.FromIsMessagingService ? new("MessagingServiceSid", settings.From!) : new("From", settings.From!),
        };
        if (!string.IsNullOrWhiteSpace(settings.StatusCallbackUrl))
        {
            fields.Add(new("StatusCallback", settings.StatusCallbackUrl));
        }

        var url = $"{settings.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid!)}/Messages.json";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));

        var exchange = await SmsHttp.SendAsync(clients.CreateClient(SmsHttp.ClientName), request, settings.Timeout, time, "Twilio", ct);
        if (exchange.NoAnswer is not null)
        {
            return exchange.NoAnswer;
        }

        if (exchange.Status is >= 200 and < 300)
        {
            return ChannelSendResult.Accepted(SmsHttp.ReadJsonField(exchange.Body, "sid"));
        }

        // Twilio's error body: { "code": 21211, "message": "The 'To' number +1... is not valid.", "more_info": ..., "status": 400 }.
        // The message quotes the number, so it is masked before it is kept.
        var code = SmsHttp.ReadJsonField(exchange.Body, "code");
        var text = SmsHttp.ReadJsonField(exchange.Body, "message");
        var error = code is null
            ? $"Twilio HTTP {exchange.Status}: {SmsHttp.Excerpt(exchange.Body, message.To)}"
            : $"Twilio {code} (HTTP {exchange.Status}): {SmsHttp.Excerpt(text ?? "", message.To)}";
        return new ChannelSendResult(SendOutcome.Failed, Error: error, Retryable: SmsHttp.IsRetryable(exchange.Status));
    }
}
