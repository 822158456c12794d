using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Simulator;

/// <summary>
/// The WhatsApp Business Management endpoints a going-live check and a template submission use:
/// a number's and the account's node, <c>subscribed_apps</c>, and creating templates. Each needs the
/// bearer token and counts against the hourly management budget, reported in
/// <c>X-Business-Use-Case-Usage</c> on every answer.
/// </summary>
internal static class SimulatorManagementApi
{
    public static void MapManagement(this RouteGroupBuilder group)
    {
        group.MapGet("/{version}/{id}", GetNode);
        group.MapGet("/{version}/{wabaId}/subscribed_apps", (HttpContext http, CloudApiSimulator sim, string wabaId) =>
            Account(http, sim, wabaId) ?? Results.Json(sim.SubscribedApps()));
        group.MapPost("/{version}/{wabaId}/subscribed_apps", (HttpContext http, CloudApiSimulator sim, string wabaId) =>
            Account(http, sim, wabaId) ?? Subscribe(sim, true));
        group.MapDelete("/{version}/{wabaId}/subscribed_apps", (HttpContext http, CloudApiSimulator sim, string wabaId) =>
            Account(http, sim, wabaId) ?? Subscribe(sim, false));
        group.MapPost("/{version}/{wabaId}/message_templates", CreateTemplateAsync);
    }

    /// <summary><c>PUT /_control/numbers/{id}</c> and <c>PUT|DELETE /_control/usage</c>.</summary>
    public static void MapManagementControl(this RouteGroupBuilder control)
    {
        control.MapPut("/numbers/{id}", Results<Ok, NotFound> (CloudApiSimulator sim, string id, NumberHealthRequest request) =>
            sim.SetNumberHealth(id, request) ? TypedResults.Ok() : TypedResults.NotFound());
        control.MapPut("/usage", Results<Ok, ProblemHttpResult> (CloudApiSimulator sim, UsageRequest request) =>
        {
            if (request.Percent is < 0 or > 1000)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid usage", detail: "percent is 0 to 1000; 100 or more throttles.");
            }

            sim.SetUsage(request.Percent);
            return TypedResults.Ok();
        });
        control.MapDelete("/usage", (CloudApiSimulator sim) =>
        {
            sim.SetUsage(0);
            return TypedResults.NoContent();
        });
    }

    /// <summary>
    /// The token, then the budget: 190 for a bad token (nothing counted), 80008 over budget. Sets the
    /// usage header on every answer after the token. Null: go on.
    /// </summary>
    internal static IResult? Admit(HttpContext http, CloudApiSimulator sim)
    {
        if (!sim.Authorized(http.Request.Headers.Authorization.ToString()))
        {
            return SimulatorApi.ErrorResult(http, new GraphError(190, 401, "Invalid OAuth access token - Cannot parse access token", null));
        }

        var (percent, regain, throttled) = sim.ManagementCall();
        http.Response.Headers[ManagementUsage.Header] = ManagementUsage.HeaderValue(sim.WabaId, percent, regain);
        return throttled
            ? SimulatorApi.ErrorResult(http, new GraphError(80008, 400,
                "(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
                null)
            { MessagingData = false })
            : null;
    }

    /// <summary><see cref="Admit"/>, then Meta's error for an account id that is not this one. Null: go on.</summary>
    internal static IResult? Account(HttpContext http, CloudApiSimulator sim, string wabaId) =>
        Admit(http, sim) ?? (wabaId == sim.WabaId ? null : SimulatorApi.ErrorResult(http, CloudApiSimulator.UnknownObject(wabaId)));

    private static IResult GetNode(HttpContext http, CloudApiSimulator sim, string id, string? fields)
    {
        if (Admit(http, sim) is { } refused)
        {
            return refused;
        }

        var (node, error) = sim.Node(id, fields);
        return error is not null ? SimulatorApi.ErrorResult(http, error) : Results.Json(node);
    }

    private static IResult Subscribe(CloudApiSimulator sim, bool on)
    {
        sim.Subscribe(on);
        return Results.Json(new { success = true });
    }

    private static async Task<IResult> CreateTemplateAsync(HttpContext http, CloudApiSimulator sim, string wabaId)
    {
        if (Account(http, sim, wabaId) is { } refused)
        {
            return refused;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return SimulatorApi.ErrorResult(http, new GraphError(100, 400, "(#100) Invalid parameter", "The request body is not valid JSON.")
            {
                MessagingData = false,
            });
        }

        using (document)
        {
            var (created, error) = sim.CreateTemplate(document.RootElement);
            return error is not null ? SimulatorApi.ErrorResult(http, error) : Results.Json(created);
        }
    }
}
