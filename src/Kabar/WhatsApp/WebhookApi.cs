using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kabar.Data;
using Kabar.Operations;
using Kabar.Statuses;
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
        group.MapPost("/", Receive);
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

    private static async Task<IResult> Receive(HttpContext http, WebhookSecrets secrets,
        IServiceScopeFactory scopes, KabarMetrics metrics, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Kabar.WhatsApp.Webhook");
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

            if (envelope == EnvelopeKind.WhatsApp && WebhookPayload.StatusesOnly(document.RootElement) is var statuses and > 0)
            {
                await StoreStatusesAsync(http.RequestServices, body, statuses, metrics, ct);
                return TypedResults.Ok();
            }

            batch = WebhookPayload.Parse(document.RootElement);
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
    /// A post of statuses alone goes to the intake as it came, which commits concurrent posts
    /// together; the status worker expands and applies it after the 200.
    /// </summary>
    private static async Task StoreStatusesAsync(IServiceProvider services, byte[] body, int statuses,
        KabarMetrics metrics, CancellationToken ct)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        try
        {
            await services.GetRequiredService<StatusInbox>().StoreAsync(body, statuses, now, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing of the post was stored; Meta retries it.
            metrics.WebhookEvents("status", "failed", statuses);
            metrics.WebhookRequest("failed");
            throw;
        }

        metrics.WebhookEvents("status", "accepted", statuses);
        metrics.WebhookRequest("accepted");
        services.GetRequiredService<Notifications.StatusSignal>().Wake();
    }

    /// <summary>Applies a post that is not statuses alone, counts what it carried and wakes the workers it gave work.</summary>
    private static async Task<IResult> ApplyAsync(HttpContext http, IServiceScopeFactory scopes, KabarMetrics metrics,
        ILogger logger, WebhookBatch batch, byte[] body, CancellationToken ct)
    {
        WebhookOutcome outcome;
        try
        {
            outcome = await StoreAsync(scopes, http.RequestServices, batch, body, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing of the batch was stored; Meta retries the post.
            CountEvents(metrics, batch, "failed");
            metrics.WebhookRequest("failed");
            throw;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "WhatsApp webhook: {Messages} new message(s), {Duplicates} duplicate(s), {Statuses} status(es), {ConsentChanges} consent change(s)")]
    private static partial void LogReceived(ILogger logger, int messages, int duplicates, int statuses, int consentChanges);
}
