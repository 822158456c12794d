using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kabar.Common;
using Kabar.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Kabar.Channels;

/// <summary>
/// <c>POST /webhooks/sms/http</c>: delivery reports from the generic HTTP gateway (SPEC §13),
/// <c>{ "reference": "&lt;attempt id&gt;", "status": "delivered" }</c>. The gateway must present
/// <c>Kabar:Sms:Http:Token</c> as a bearer token, checked before the body is read; with no token
/// configured (no HTTP gateway) every report is refused, so no stranger can fail an SMS.
/// </summary>
public static class SmsWebhookApi
{
    public sealed record DeliveryReport(string? Reference, string? Status, DateTime? At);

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/sms/http", Receive).WithTags("Webhooks").AllowAnonymous()
            .Accepts<DeliveryReport>("application/json");
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Receive(HttpRequest request,
        IOptions<SmsOptions> options, IServiceScopeFactory scopes, TimeProvider time, CancellationToken ct)
    {
        if (options.Value.Http.Token is not { Length: > 0 } token)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No HTTP SMS gateway",
                detail: "This Kabar has no HTTP SMS gateway configured (Kabar:Sms:Http:Token is not set), so it takes no delivery reports.");
        }

        var given = request.Headers.Authorization.ToString();
        var expected = $"Bearer {token}";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Send Authorization: Bearer <Kabar:Sms:Http:Token>.");
        }

        var charset = request.GetTypedHeaders().ContentType?.Charset.Value?.Trim('"');
        if (!request.HasJsonContentType()
            || (!string.IsNullOrEmpty(charset) && !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the report as application/json in UTF-8: { \"reference\": \"<attempt id>\", \"status\": \"delivered\" }.");
        }

        DeliveryReport? report;
        try
        {
            report = await request.ReadFromJsonAsync<DeliveryReport>(ct);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest($"The body is not a delivery report: {ex.Message} Expected {{ \"reference\": \"<attempt id>\", \"status\": \"delivered\" }}.");
        }

        report ??= new DeliveryReport(null, null, null);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(report.Reference))
        {
            errors.Add("reference", "The attempt id Kabar sent as 'reference'.");
        }

        if (string.IsNullOrWhiteSpace(report.Status))
        {
            errors.Add("status", "For example sent, delivered, failed or undelivered.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var at = report.At?.ToUniversalTime() ?? time.GetUtcNow().UtcDateTime;
        var found = await scopes.RunWithRetryAsync(
            (sp, token) => sp.GetRequiredService<ISmsDeliveryReports>().ApplyAsync(report.Reference!, report.Status!, at, token), ct);
        return found
            ? TypedResults.Ok()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown reference",
                detail: $"No SMS attempt has reference '{report.Reference}'.");
    }
}
