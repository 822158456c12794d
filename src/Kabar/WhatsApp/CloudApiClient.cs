using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kabar.Channels;
using Kabar.Common;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

/// <summary>
/// <see cref="IWhatsAppClient"/> over the Graph API (Meta's or the built-in simulator), speaking
/// the shapes of WHATSAPP-PAYLOADS.md. A send never throws for a provider problem: it answers
/// Accepted, Failed (nothing was sent) or Unknown (it may have been sent).
/// </summary>
public sealed partial class CloudApiClient(
    IHttpClientFactory httpClients,
    IOptions<WhatsAppOptions> options,
    GraphApiEndpoint endpoint,
    SandboxToken sandbox,
    TimeProvider time,
    ILogger<CloudApiClient> logger) : IWhatsAppClient
{
    public const string HttpClientName = "whatsapp";

    /// <summary>The client of <see cref="SendAsync"/> alone: its own connection pool, which the send limiter counts.</summary>
    public const string SendClientName = "whatsapp-send";

    /// <summary>
    /// How long the client keeps a keep-alive connection to the Graph API (<c>PooledConnectionLifetime</c>, for
    /// DNS), and an idle one (<c>PooledConnectionIdleTimeout</c>). The send limiter counts on them.
    /// </summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5), ConnectionIdle = TimeSpan.FromMinutes(1);
    private const string TemplateFields = "name,language,status,category,parameter_format,components";
    private const int MaxTemplatePages = 1000;

    public async Task<WhatsAppSendResult> SendAsync(WhatsAppSendRequest request, CancellationToken ct, Action? written = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var url = $"{endpoint.BaseUrl}/{o.GraphApiVersion}/{Uri.EscapeDataString(request.PhoneNumberId)}/messages";
        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new WrittenContent(WriteSendBody(request), written)
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.AccessToken ?? sandbox.Value);

        using var timeout = new CancellationTokenSource(o.SendTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var client = httpClients.CreateClient(SendClientName);
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            var result = response.IsSuccessStatusCode ? ReadAccepted(body) : ReadFailure(response, body);
            if (result.Outcome == SendOutcome.Failed)
            {
                LogSendFailed(logger, Pii.MaskPhone(request.To), result.ErrorCode, result.HttpStatus, result.ErrorTitle);
            }
            else if (result.Outcome == SendOutcome.Unknown)
            {
                LogSendUnknown(logger, Pii.MaskPhone(request.To), "unreadable success body");
            }

            return result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // The timeout fired: the request may be at Meta already. The dispatcher waits for a
            // status webhook carrying the callback data before it dares to send again.
            LogSendUnknown(logger, Pii.MaskPhone(request.To), "timeout");
            return new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: "Timed out waiting for the Cloud API");
        }
        catch (HttpRequestException ex) when (NeverLeft(ex))
        {
            LogSendFailed(logger, Pii.MaskPhone(request.To), null, null, ex.HttpRequestError.ToString());
            return new WhatsAppSendResult(SendOutcome.Failed, ErrorTitle: $"Connection failed: {ex.HttpRequestError}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            LogSendUnknown(logger, Pii.MaskPhone(request.To), ex.GetType().Name);
            return new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: "Connection dropped before an answer");
        }
    }

    private static bool SameOrigin(string url, string baseUrl) =>
        Uri.TryCreate(url, UriKind.Absolute, out var a) && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b)
        && a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    public async Task<IReadOnlyList<RemoteTemplate>> GetTemplatesAsync(CancellationToken ct)
    {
        var o = options.Value;
        var token = o.EffectiveNumbers[0].AccessToken ?? sandbox.Value;
        var client = httpClients.CreateClient(HttpClientName);
        var templates = new List<RemoteTemplate>();
        string? next = $"{endpoint.BaseUrl}/{o.GraphApiVersion}/{Uri.EscapeDataString(o.EffectiveWabaId)}/message_templates"
            + $"?fields={TemplateFields}&limit=100";
        for (var page = 0; next is not null; page++)
        {
            if (page >= MaxTemplatePages)
            {
                throw new InvalidOperationException($"message_templates paging did not end after {MaxTemplatePages} pages.");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var failure = ReadFailure(response, body);
                throw new HttpRequestException(
                    $"message_templates failed: HTTP {(int)response.StatusCode}, code {failure.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: {failure.ErrorTitle}",
                    null, response.StatusCode);
            }

            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                templates.AddRange(data.EnumerateArray().Select(ReadTemplate));
            }

            next = root.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object
                && paging.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(n.GetString())
                ? n.GetString()
                : null;
            if (next is not null && !SameOrigin(next, endpoint.BaseUrl))
            {
                // The access token goes with every page: never to a host other than the Graph API's.
                throw new InvalidOperationException("message_templates paging.next points to another host; refusing to send the access token there.");
            }
        }

        return templates;
    }

    // One buffer and writer per thread, reused: a body is written at once, without awaiting, and
    // only its exact bytes are copied out. A fresh writer grows its buffer several times a send.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? sendBuffer;
    [ThreadStatic]
    private static Utf8JsonWriter? sendWriter;

    /// <summary>The body of <c>POST /messages</c> exactly as Meta documents it.</summary>
    internal static byte[] WriteSendBody(WhatsAppSendRequest request)
    {
        var buffer = sendBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var w = sendWriter ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("messaging_product", "whatsapp");
        w.WriteString("recipient_type", "individual");
        if (request.To is not null)
        {
            w.WriteString("to", request.To);
        }
        else
        {
            // A username-only person has no phone number; Meta takes the business-scoped
            // user id in "recipient" instead of "to".
            w.WriteString("recipient", request.RecipientUserId);
        }

        if (request.Template is { } template)
        {
            w.WriteString("type", "template");
            w.WriteStartObject("template");
            w.WriteString("name", template.Name);
            w.WriteStartObject("language");
            w.WriteString("code", template.Language);
            w.WriteEndObject();
            if (template.BodyParameters.Count > 0)
            {
                w.WriteStartArray("components");
                w.WriteStartObject();
                w.WriteString("type", "body");
                w.WriteStartArray("parameters");
                foreach (var p in template.BodyParameters)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "text");
                    w.WriteString("text", p.Text);
                    if (p.Name is not null)
                    {
                        w.WriteString("parameter_name", p.Name);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteString("type", "text");
            w.WriteStartObject("text");
            w.WriteBoolean("preview_url", false);
            w.WriteString("body", request.Text ?? "");
            w.WriteEndObject();
        }

        w.WriteString("biz_opaque_callback_data", request.CallbackData);
        w.WriteEndObject();

        w.Flush();
        var body = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            (sendBuffer, sendWriter) = (null, null); // an unusually long text: not kept for every later send
        }

        return body;
    }

    private static WhatsAppSendResult ReadAccepted(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var messageId = First(root, "messages") is { } m ? JsonText.StringOrNumberOf(m, "id") : null;
            if (messageId is null)
            {
                return new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: "Success without a message id");
            }

            var waId = First(root, "contacts") is { } c ? JsonText.StringOrNumberOf(c, "wa_id") : null;
            return new WhatsAppSendResult(SendOutcome.Accepted, messageId, waId,
                MessageStatus: First(root, "messages") is { } m2 ? JsonText.StringOrNumberOf(m2, "message_status") : null);
        }
        catch (JsonException)
        {
            // A 2xx means Meta took it; without the id only the status webhook can tell which message it was.
            return new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: "Success body is not JSON");
        }
    }

    private WhatsAppSendResult ReadFailure(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response.Headers.RetryAfter);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                int? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var ci) ? ci : null;
                var details = error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object ? JsonText.StringOrNumberOf(data, "details") : null;
                var title = details ?? JsonText.StringOrNumberOf(error, "message") ?? response.ReasonPhrase;
                return new WhatsAppSendResult(SendOutcome.Failed, ErrorCode: code, ErrorTitle: Pii.MaskText(title),
                    HttpStatus: status, RetryAfter: retryAfter);
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer answered (HTML 502 and the like): no Graph code.
        }

        return new WhatsAppSendResult(SendOutcome.Failed, ErrorTitle: response.ReasonPhrase ?? $"HTTP {status}",
            HttpStatus: status, RetryAfter: retryAfter);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// True only when the failure happened before a byte of the request could reach the server
    /// (no address, connection refused, TLS failed): then nothing was sent and a retry is safe.
    /// </summary>
    private static bool NeverLeft(HttpRequestException ex)
    {
        if (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            return true;
        }

        if (ex.HttpRequestError != HttpRequestError.ConnectionError)
        {
            return false;
        }

        for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain
                    or SocketError.NoData or SocketError.AddressNotAvailable or SocketError.HostDown
                    or SocketError.NetworkDown;
            }
        }

        return false;
    }

    private static RemoteTemplate ReadTemplate(JsonElement t)
    {
        var format = JsonText.StringOrNumberOf(t, "parameter_format") ?? "POSITIONAL";
        string? bodyText = null;
        if (t.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (string.Equals(JsonText.StringOrNumberOf(component, "type"), "BODY", StringComparison.OrdinalIgnoreCase))
                {
                    bodyText = JsonText.StringOrNumberOf(component, "text");
                    break;
                }
            }
        }

        return new RemoteTemplate(
            JsonText.StringOrNumberOf(t, "id") ?? "",
            JsonText.StringOrNumberOf(t, "name") ?? "",
            JsonText.StringOrNumberOf(t, "language") ?? "",
            JsonText.StringOrNumberOf(t, "status") ?? "",
            JsonText.StringOrNumberOf(t, "category") ?? "",
            format,
            BodyParameterNames(bodyText, format));
    }

    /// <summary>Positional templates name their parameters "1", "2", …; named ones by their placeholders.</summary>
    internal static IReadOnlyList<string> BodyParameterNames(string? bodyText, string parameterFormat)
    {
        if (string.IsNullOrEmpty(bodyText))
        {
            return [];
        }

        var names = Placeholder().Matches(bodyText).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        if (string.Equals(parameterFormat, "NAMED", StringComparison.OrdinalIgnoreCase))
        {
            return names;
        }

        var max = names.Select(n => int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : 0)
            .DefaultIfEmpty(0).Max();
        return Enumerable.Range(1, max).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    private static JsonElement? First(JsonElement root, string array) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(array, out var a) && a.ValueKind == JsonValueKind.Array
            && a.GetArrayLength() > 0 ? a[0] : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp send to {Recipient} failed: code {Code}, HTTP {Status}: {Title}")]
    private static partial void LogSendFailed(ILogger logger, string recipient, int? code, int? status, string? title);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp send to {Recipient} has an unknown outcome ({Reason}); waiting for a status webhook")]
    private static partial void LogSendUnknown(ILogger logger, string recipient, string reason);

    /// <summary>A request body that says when the client has written it to the connection.</summary>
    private sealed class WrittenContent : ByteArrayContent
    {
        private readonly byte[] body;
        private readonly Action? written;

        public WrittenContent(byte[] body, Action? written)
            : base(body)
        {
            this.body = body;
            this.written = written;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(body, cancellationToken);
            written?.Invoke();
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);
    }
}
