using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Kabar.Common;

namespace Kabar.Channels;

/// <summary>The answer to one HTTP send: a status and body, or the result when no answer came.</summary>
internal sealed record HttpExchange(int Status, string Body, ChannelSendResult? NoAnswer);

/// <summary>What the HTTP-based SMS senders share: one POST, a timeout, and the failure classes.</summary>
internal static class SmsHttp
{
    /// <summary>The named client for SMS providers.</summary>
    public const string ClientName = "sms";

    private const int ExcerptLength = 200;

    /// <summary>
    /// Sends once. A timeout or a connection lost after the request left is <see cref="SendOutcome.Unknown"/>:
    /// the provider may have taken the SMS. A connection that never opened is a retryable failure.
    /// Cancellation by the caller (shutdown) is thrown, like a crash, and the dispatcher treats it so.
    /// </summary>
    public static async Task<HttpExchange> SendAsync(HttpClient client, HttpRequestMessage request, TimeSpan timeout, TimeProvider time, string provider, CancellationToken ct)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        var status = 0;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            return new HttpExchange(status, body, null);
        }
        catch (Exception ex) when (status is >= 200 and < 300 && !ct.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // The status already said "taken"; only the body (and the provider's id) was lost.
            return new HttpExchange(status, "", null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HttpExchange(0, "", new ChannelSendResult(SendOutcome.Unknown, Error: $"{provider} did not answer within {timeout}", Retryable: true));
        }
        catch (HttpRequestException ex) when (NeverLeft(ex))
        {
            return new HttpExchange(0, "", new ChannelSendResult(SendOutcome.Failed, Error: $"{provider} unreachable: {Describe(ex)}", Retryable: true));
        }
        catch (HttpRequestException ex)
        {
            return new HttpExchange(0, "", new ChannelSendResult(SendOutcome.Unknown, Error: $"{provider} connection lost before an answer: {Describe(ex)}", Retryable: true));
        }
    }

    /// <summary>Errors raised before a single byte of the request could reach the provider.</summary>
    private static bool NeverLeft(HttpRequestException ex) => ex.HttpRequestError is
        HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or
        HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static string Describe(HttpRequestException ex) =>
        ex.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();

    /// <summary>Whether the same request may succeed later: throttling and server errors.</summary>
    public static bool IsRetryable(int status) => status == (int)HttpStatusCode.TooManyRequests || status >= 500;

    /// <summary>A short piece of a provider's answer, fit for logs and the attempt record: no phone numbers or e-mails.</summary>
    public static string Excerpt(string body, string to)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(empty body)";
        }

        // Gateways echo the number in any form (+62…, 62…); mask the exact one first, then anything phone-like.
        var text = body.Replace(to, Pii.MaskPhone(to), StringComparison.Ordinal)
            .Replace(to.TrimStart('+'), Pii.MaskPhone(to), StringComparison.Ordinal);
        text = Pii.MaskText(string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        return text.Length <= ExcerptLength ? text : text[..ExcerptLength] + "…";
    }

    /// <summary>A string or number property of a JSON object, or null when the body is not such an object.</summary>
    public static string? ReadJsonField(string body, params string[] names)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in names)
            {
                if (document.RootElement.TryGetProperty(name, out var value) && JsonText.StringOrNumber(value) is { } text)
                {
                    return text;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
