using System.Security.Cryptography;
using System.Text;
using Kabar.Common;
using Kabar.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Kabar.Channels;

/// <summary>
/// <c>POST /webhooks/sms/http</c>: delivery reports from the generic HTTP gateway (SPEC §13),
/// <c>{ "reference": "&lt;attempt id&gt;", "status": "delivered" }</c>. When <c>Kabar:Sms:Http:Token</c>
/// is set, the gateway must present it as a bearer token.
/// </summary>
internal static class SmsWebhookApi
{
    public sealed record DeliveryReport(string? Reference, string? Status, DateTime? At);

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/sms/http", Receive).WithTags("Webhooks").AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Receive(DeliveryReport report, HttpRequest request,
        IOptions<SmsOptions> options, IServiceScopeFactory scopes, TimeProvider time, CancellationToken ct)
    {
        if (options.Value.Http.Token is { Length: > 0 } token)
        {
            var given = request.Headers.Authorization.ToString();
            var expected = $"Bearer {token}";
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: "Send Authorization: Bearer <Kabar:Sms:Http:Token>.");
            }
        }

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
