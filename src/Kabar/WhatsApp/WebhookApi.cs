using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kabar.Data;
using Kabar.Operations;
using Kabar.Statuses;
using Kabar.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.WhatsApp;

/// <summary><c>GET/POST /webhooks/whatsapp</c>: Meta's verification handshake and signed events.</summary>
public static partial class WebhookApi
{
    /// <summary>Meta sends at most 3 MB; a little headroom, then 413.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/whatsapp").WithTags("Webhooks").AllowAnonymous();
        group.MapGet("/", Verify);
        // Meta's posts, up to thousands a second, go from routing straight to the endpoint: the
        // middleware after it is for people and API clients (error pages, static files, sign-in,
        // rate limits per address, security headers for browsers), and the signature is what
        // refuses strangers here. Host filtering runs before routing, so a wrong Host is still
        // refused. The endpoint answers its own failures (NotStored) and sets the headers.
        group.MapPost("/", Receive).ShortCircuit();
        return app;
    }

    /// <summary>Answers the challenge when the verify token matches, else 403.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Verify(HttpRequest request,
        WebhookSecrets secrets, CancellationToken ct)
    {
        var query = request.Query;
        var expected = await secrets.GetVerifyTokenAsync(ct);
        var given = query["hub.verify_token"].ToString();
        var challenge = query["hub.challenge"].ToString();
        if (query["hub.mode"] == "subscribe" && expected is not null && challenge.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Text(challenge, "text/plain");
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Verification refused",
            detail: "hub.mode must be 'subscribe' and hub.verify_token must match Kabar:WhatsApp:VerifyToken.");
    }

    /// <summary>
    /// Short-circuited, the endpoint runs before the exception handler middleware, so it hands its
    /// exceptions to the same handlers itself: a body the server cannot read is the client's 4xx,
    /// a client that left is nobody's, and anything else is a 503 (nothing was stored; Meta
    /// delivers the post again), never a bare 500.
    /// </summary>
    private static async Task<IResult> Receive(HttpContext http, WebhookSecrets secrets,
        IServiceScopeFactory scopes, KabarMetrics metrics, ILoggerFactory loggers, CancellationToken ct)
    {
        WebExtensions.SetSecurityHeaders(http.Response.Headers);
        var logger = loggers.CreateLogger("Kabar.WhatsApp.Webhook");
        try
        {
            return await ReceiveAsync(http, secrets, scopes, metrics, logger, ct);
        }
        catch (Exception ex)
        {
            foreach (var handler in http.RequestServices.GetServices<IExceptionHandler>())
            {
                if (await handler.TryHandleAsync(http, ex, ct))
                {
                    metrics.WebhookRequest("unreadable");
                    return Results.Empty;
                }
            }

            LogApplyFailed(logger, ex);
            metrics.WebhookRequest("failed");
            return NotStored();
        }
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, WebhookSecrets secrets,
        IServiceScopeFactory scopes, KabarMetrics metrics, ILogger logger, CancellationToken ct)
    {
        var appSecret = await secrets.GetAppSecretAsync(ct);
        if (appSecret is null)
        {
            LogNoSecret(logger);
            metrics.WebhookRequest("not_configured");
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Webhook not configured",
                detail: "Kabar:WhatsApp:AppSecret is not set, so signatures cannot be checked; nothing was accepted.");
        }

        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            metrics.WebhookRequest("too_large");
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                detail: $"Webhook bodies are limited to {MaxBodyBytes} bytes.");
        }

        if (!WebhookSignature.IsValid(body, http.Request.Headers[WebhookSignature.Header], appSecret))
        {
            LogBadSignature(logger, body.Length);
            metrics.WebhookRequest("bad_signature");
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature",
                detail: $"{WebhookSignature.Header} must be sha256=<hex HMAC-SHA256 of the raw body keyed with the app secret>.");
        }

        WebhookBatch batch;
        try
        {
            using var document = JsonDocument.Parse(body);
            var envelope = Envelope(document.RootElement);
            if (envelope == EnvelopeKind.Other)
            {
                metrics.WebhookRequest("ignored");
                return TypedResults.Ok();
            }

            var statuses = envelope == EnvelopeKind.WhatsApp ? WebhookPayload.StatusesOnly(document.RootElement) : 0;
            if (statuses > 1)
            {
                return await StoreStatusesAsync(http.RequestServices, logger, body, null, statuses, metrics, ct);
            }

            batch = WebhookPayload.Parse(document.RootElement);
            if (statuses == 1)
            {
                // Meta's usual shape: its status row is what is stored. A status that cannot be
                // read sends the post to the inbox as it came, where the expansion counts it.
                var one = batch is { Malformed: 0, Skipped.Count: 0, Statuses.Count: 1 } ? batch.Statuses[0] : null;
                return await StoreStatusesAsync(http.RequestServices, logger, body, one, statuses, metrics, ct);
            }

            if (envelope == EnvelopeKind.Unreadable)
            {
                // Whatever of it can be read is applied; the post is quarantined for a look.
                batch.Skipped.Insert(0, new SkippedPart("post", "object", "unreadable (invalid UTF-8 or an unpaired surrogate escape)"));
            }
        }
        catch (JsonException)
        {
            metrics.WebhookRequest("bad_json");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Body is not JSON",
                detail: "A signed webhook body must be a JSON object with 'object' and 'entry'.");
        }

        return await ApplyAsync(http, scopes, metrics, logger, batch, body, ct);
    }

    private enum EnvelopeKind
    {
        WhatsApp,
        Other,
        Unreadable,
    }

    /// <summary>
    /// A post for another product (<c>object</c> is not <c>whatsapp_business_account</c>) is
    /// acknowledged and ignored, as Meta asks. An <c>object</c> that cannot be read (or a key
    /// beside it that cannot) is no reason to lose what the post carries.
    /// </summary>
    private static EnvelopeKind Envelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return EnvelopeKind.Other;
        }

        try
        {
            return root.TryGetProperty("object", out var obj) && obj.ValueKind == JsonValueKind.String
                   && obj.GetString() != "whatsapp_business_account"
                ? EnvelopeKind.Other
                : EnvelopeKind.WhatsApp;
        }
        catch (InvalidOperationException)
        {
            return EnvelopeKind.Unreadable;
        }
    }

    /// <summary>
    /// A post of statuses alone goes to the intake, as its one status row (<paramref name="one"/>)
    /// or as it came; the intake commits concurrent posts together, and the status worker expands
    /// and applies them after the 200. A post that could not be stored is answered 503.
    /// </summary>
    private static async Task<IResult> StoreStatusesAsync(IServiceProvider services, ILogger logger, byte[] body,
        StatusItem? one, int statuses, KabarMetrics metrics, CancellationToken ct)
    {
        try
        {
            var inbox = services.GetRequiredService<StatusInbox>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            if (one is not null)
            {
                await inbox.StoreAsync(one, now, ct);
            }
            else
            {
                await inbox.StoreAsync(body, statuses, now, ct);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The intake has logged why (or Kabar is stopping); Meta delivers the post again.
            LogNotStored(logger, ex.GetType().Name, statuses);
            metrics.WebhookEvents("status", "failed", statuses);
            metrics.WebhookRequest("failed");
            return NotStored();
        }

        metrics.WebhookEvents("status", "accepted", statuses);
        metrics.WebhookRequest("accepted");
        services.GetRequiredService<Notifications.StatusSignal>().Wake();
        return TypedResults.Ok();
    }

    /// <summary>A post that could not be stored: nothing of it was kept, and Meta delivers it again on any answer but 200.</summary>
    private static ProblemHttpResult NotStored() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Webhook not stored",
            detail: "Nothing of this post was stored (the database is unavailable or Kabar is stopping); deliver it again.");

    /// <summary>Applies a post that is not statuses alone, counts what it carried and wakes the workers it gave work.</summary>
    private static async Task<IResult> ApplyAsync(HttpContext http, IServiceScopeFactory scopes, KabarMetrics metrics,
        ILogger logger, WebhookBatch batch, byte[] body, CancellationToken ct)
    {
        WebhookOutcome outcome;
        try
        {
            outcome = await StoreAsync(scopes, http.RequestServices, batch, body, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Nothing of the batch was stored; Meta retries the post.
            LogApplyFailed(logger, ex);
            CountEvents(metrics, batch, "failed");
            metrics.WebhookRequest("failed");
            return NotStored();
        }

        CountEvents(metrics, batch, "accepted");
        metrics.WebhookRequest("accepted");
        LogReceived(logger, outcome.Messages, outcome.Duplicates, outcome.Statuses, outcome.ConsentChanges);
        if (outcome.Statuses > 0)
        {
            http.RequestServices.GetRequiredService<Notifications.StatusSignal>().Wake();
        }

        if (outcome.Replies > 0)
        {
            http.RequestServices.GetRequiredService<Notifications.DispatchSignal>().Wake();
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// Messages, preferences and template events are applied in the post's own transaction; a
    /// post with unreadable parts is quarantined in the same one.
    /// </summary>
    private static async Task<WebhookOutcome> StoreAsync(IServiceScopeFactory scopes, IServiceProvider services,
        WebhookBatch batch, byte[] body, CancellationToken ct)
    {
        using (await services.GetRequiredService<WriteGate>().EnterAsync(ct))
        {
            return await scopes.RunWithRetryAsync(
                (sp, token) => sp.GetRequiredService<InboundProcessor>().ProcessAsync(batch, token, body), ct);
        }
    }

    /// <summary>
    /// Counts what a verified post carried. Duplicates Meta re-delivers are counted again: the
    /// counter says what arrived, the database says what was new.
    /// </summary>
    private static void CountEvents(KabarMetrics metrics, WebhookBatch batch, string outcome)
    {
        metrics.WebhookEvents("message", outcome, batch.Messages.Count);
        metrics.WebhookEvents("status", outcome, batch.Statuses.Count);
        metrics.WebhookEvents("template", outcome, batch.TemplateStatuses.Count);
        metrics.WebhookEvents("user_preferences", outcome, batch.UserPreferences.Count);
        metrics.WebhookEvents("other", outcome, batch.IgnoredChanges + batch.Malformed + batch.AccountErrors.Count);
    }

    /// <summary>Reads the raw body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            if (length > MaxBodyBytes)
            {
                return null;
            }

            // Meta sends Content-Length: read straight into an array of that size.
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, ct);
            return exact;
        }

        using var buffer = new MemoryStream(16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "WhatsApp webhook refused: no app secret is configured (Kabar:WhatsApp:AppSecret)")]
    private static partial void LogNoSecret(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook refused: bad signature on a {Length}-byte body")]
    private static partial void LogBadSignature(ILogger logger, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook of {Statuses} status(es) answered 503, not stored ({Reason}); Meta delivers it again")]
    private static partial void LogNotStored(ILogger logger, string reason, int statuses);

    [LoggerMessage(Level = LogLevel.Error, Message = "WhatsApp webhook could not be applied; answered 503, and Meta delivers it again")]
    private static partial void LogApplyFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WhatsApp webhook: {Messages} new message(s), {Duplicates} duplicate(s), {Statuses} status(es), {ConsentChanges} consent change(s)")]
    private static partial void LogReceived(ILogger logger, int messages, int duplicates, int statuses, int consentChanges);
}
