using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Simulator;

/// <summary>The simulator's HTTP surface: the Graph API endpoints Kabar uses and a control API.</summary>
internal static class SimulatorApi
{
    private static readonly string[] AllTemplateFields = ["name", "language", "status", "category", "parameter_format", "components"];

    /// <summary>
    /// Maps the simulator under <paramref name="prefix"/>. Built into Kabar (<paramref name="localOnly"/>)
    /// all of it answers only requests made directly on this machine (<see cref="Network.LocalRequests"/>):
    /// it plays Meta for this process alone. Standalone, its Graph API answers anyone who can reach
    /// its address and its control API only this machine.
    /// </summary>
    public static IEndpointRouteBuilder MapCloudApiSimulator(this IEndpointRouteBuilder app, string prefix, bool localOnly = false)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var group = app.MapGroup(prefix).WithTags("Simulator").AllowAnonymous().ExcludeFromDescription();
        if (localOnly)
        {
            group.AddEndpointFilter(LocalOnlyAsync);
        }

        group.MapPost("/{version}/{phoneNumberId}/messages", SendAsync);
        group.MapGet("/{version}/{wabaId}/message_templates", GetTemplates);
        group.MapManagement();

        // The control API can forge signed inbound messages (a STOP, a MULAI) and shows what was
        // sent to whom: only a caller on this machine may use it (the sandbox pages, tests and
        // benchmarks run there).
        var control = group.MapGroup("/_control").AddEndpointFilter(LocalOnlyAsync);
        control.MapGet("/messages", (CloudApiSimulator sim, string? to) =>
            TypedResults.Ok(sim.Messages(to).Select(SimMessageView.From).ToList()));
        control.MapPost("/faults", Results<Ok, ProblemHttpResult> (CloudApiSimulator sim, FaultRequest fault) =>
        {
            if (fault.Problem() is { } problem)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid fault", detail: problem);
            }

            sim.AddFault(fault);
            return TypedResults.Ok();
        });
        control.MapGet("/faults", (CloudApiSimulator sim) => TypedResults.Ok(sim.FaultHits()));
        control.MapDelete("/faults", (CloudApiSimulator sim) =>
        {
            sim.ClearFaults();
            return TypedResults.NoContent();
        });
        control.MapPost("/inbound", Results<Ok<InboundResponse>, ProblemHttpResult> (CloudApiSimulator sim, InboundRequest inbound) =>
            string.IsNullOrWhiteSpace(inbound.From) || inbound.Text is null
                ? TypedResults.Problem(statusCode: 400, title: "from and text are required", detail: "from is E.164 (+62…), text is the message.")
                : TypedResults.Ok(new InboundResponse(sim.Inbound(inbound))));
        control.MapPut("/templates/{name}/{language}", Results<Ok, NotFound> (CloudApiSimulator sim, string name, string language,
            TemplateStatusRequest request) => sim.SetTemplateStatus(name, language, request.Status) ? TypedResults.Ok() : TypedResults.NotFound());
        control.MapManagementControl();
        control.MapGet("/stats", (CloudApiSimulator sim) => TypedResults.Ok(sim.Stats()));
        control.MapPost("/reset", (CloudApiSimulator sim) =>
        {
            sim.Reset();
            return TypedResults.Ok();
        });
        return app;
    }

    internal static async ValueTask<object?> LocalOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Network.LocalRequests.IsLocal(context.HttpContext)
            ? await next(context)
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The simulator is local only",
                detail: "The simulator answers only requests made directly on the machine it runs on, never through a proxy.");

    /// <summary>Meta is down: the request is neither taken nor answered until the client gives up.</summary>
    private static async Task<IResult> HoldUnansweredAsync(HttpContext http, CloudApiSimulator sim, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, sim.Time, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        http.Abort();
        return Results.Empty;
    }

    private static async Task<IResult> SendAsync(HttpContext http, CloudApiSimulator sim, string phoneNumberId)
    {
        var arrivedAt = sim.Time.GetUtcNow();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return ErrorResult(http, new GraphError(100, 400, "(#100) Invalid parameter", "The request body is not valid JSON."));
        }

        using (document)
        {
            var result = sim.Send(phoneNumberId, http.Request.Headers.Authorization.ToString(), document.RootElement, arrivedAt);
            if (result.Unanswered)
            {
                return await HoldUnansweredAsync(http, sim, result.Delay);
            }

            // Meta's own time to answer, from the request's arrival, on top of a fault's slowness.
            var delay = result.Delay + sim.AnswerLatency() - (sim.Time.GetUtcNow() - arrivedAt);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, sim.Time, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty; // the client gave up; a taken message stays taken
                }
            }

            if (result.Error is { } error)
            {
                return ErrorResult(http, error);
            }

            var message = result.Message!;
            if (result.Hang)
            {
                // The message was taken, but the client never hears so: its outcome is unknown.
                http.Abort();
                return Results.Empty;
            }

            var sent = new JsonObject { ["id"] = message.Id };
            if (message.Type == "template")
            {
                sent["message_status"] = "accepted";
            }

            var contact = new JsonObject { ["input"] = message.To ?? message.RecipientUserId };
            if (message.To is not null)
            {
                contact["wa_id"] = CloudApiSimulator.Digits(message.To);
            }
            else
            {
                contact["user_id"] = message.RecipientUserId;
            }

            return Results.Json(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(contact),
                ["messages"] = new JsonArray(sent),
            });
        }
    }

    private static IResult GetTemplates(HttpContext http, CloudApiSimulator sim, string wabaId, string? fields, int? limit, string? after)
    {
        if (SimulatorManagementApi.Account(http, sim, wabaId) is { } refused)
        {
            return refused;
        }

        var size = Math.Clamp(limit ?? 25, 1, 1000);
        var wanted = string.IsNullOrWhiteSpace(fields)
            ? AllTemplateFields
            : fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (page, next) = sim.GetTemplates(size, after);
        var data = new JsonArray();
        foreach (var t in page)
        {
            var item = new JsonObject();
            foreach (var field in wanted)
            {
                JsonNode? value = field switch
                {
                    "name" => t.Name,
                    "language" => t.Language,
                    "status" => t.Status,
                    "category" => t.Category,
                    "parameter_format" => t.ParameterFormat,
                    "components" => Components(t),
                    "quality_score" => new JsonObject { ["score"] = t.Status == "APPROVED" ? "GREEN" : "UNKNOWN" },
                    "rejected_reason" => "NONE",
                    _ => null,
                };
                if (value is not null)
                {
                    item[field] = value;
                }
            }

            item["id"] = t.Id;
            data.Add(item);
        }

        var first = (after ?? "0").ToString(CultureInfo.InvariantCulture);
        var paging = new JsonObject
        {
            ["cursors"] = new JsonObject { ["before"] = first, ["after"] = next ?? first },
        };
        if (next is not null)
        {
            var request = http.Request;
            var query = request.Query.Where(q => q.Key != "after")
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"after={Uri.EscapeDataString(next)}");
            paging["next"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', query)}";
        }

        return Results.Json(new JsonObject { ["data"] = data, ["paging"] = paging });
    }

    private static JsonArray Components(SimTemplate t)
    {
        var components = new JsonArray(new JsonObject { ["type"] = "BODY", ["text"] = t.BodyText });
        if (t.Footer is not null)
        {
            components.Add(new JsonObject { ["type"] = "FOOTER", ["text"] = t.Footer });
        }

        return components;
    }

    internal static IResult ErrorResult(HttpContext http, GraphError error)
    {
        if (error.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(error.ToJson("Asim" + Guid.NewGuid().ToString("N")[..16]), statusCode: error.HttpStatus);
    }
}
