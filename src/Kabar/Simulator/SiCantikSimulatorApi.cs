using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Simulator;

/// <summary>
/// The simulated SiCantik back office over HTTP: its REST API under <c>{apiBase}</c> (standalone
/// <c>/backoffice/api</c>, built in <c>/simulator/sicantik/backoffice/api</c>) and a local-only
/// control API under <c>{controlBase}</c> for tests, benchmarks and the sandbox.
/// </summary>
public static partial class SiCantikSimulatorApi
{
    public const string StandaloneApiBase = "/backoffice/api";
    public const string StandaloneControlBase = "/sicantik/control";

    /// <summary>The built-in simulator's REST API: the base URL a sandbox SiCantik connector points at.</summary>
    public const string SandboxApiBase = SimulatorExtensions.Prefix + "/sicantik" + StandaloneApiBase;

    public const string SandboxControlBase = SimulatorExtensions.Prefix + StandaloneControlBase;

    /// <summary>Maps the API and its control; built into Kabar (<paramref name="localOnly"/>) the API too answers only this machine.</summary>
    public static IEndpointRouteBuilder MapSiCantikSimulator(this IEndpointRouteBuilder app, string apiBase, string controlBase, bool localOnly = false)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        ArgumentNullException.ThrowIfNull(controlBase);
        var api = app.MapGroup(apiBase).WithTags("Simulator").AllowAnonymous().ExcludeFromDescription();
        if (localOnly)
        {
            api.AddEndpointFilter(SimulatorApi.LocalOnlyAsync);
        }

        // Every verb and every path: CodeIgniter routes them all to the controller, which answers "Unknown method." itself.
        api.Map("/{**rest}", (HttpContext http, SiCantikSimulator sim) => AnswerAsync(http, sim, apiBase));

        var control = app.MapGroup(controlBase).WithTags("Simulator").AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter(SimulatorApi.LocalOnlyAsync);
        control.MapPost("/seed", Results<Ok<SiCantikStats>, ProblemHttpResult> (SiCantikSimulator sim, SiCantikSeedRequest request) =>
        {
            if (request.Issued is < 0 or > 100_000 || request.InProcess is < 0 or > 100_000)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid seed", detail: "issued and inProcess must be from 0 to 100000.");
            }

            sim.Seed(request.Issued, request.InProcess, request.Seed);
            return TypedResults.Ok(sim.Stats());
        });
        control.MapGet("/applications", (SiCantikSimulator sim) => TypedResults.Ok(sim.Applications()));
        control.MapPost("/applications", Results<Ok<SiCantikApplicationView>, ProblemHttpResult> (SiCantikSimulator sim, SiCantikAddRequest? request) =>
        {
            try
            {
                return TypedResults.Ok(sim.Add(request?.Name, request?.Phone, request?.PermitType));
            }
            catch (ArgumentException ex)
            {
                return TypedResults.Problem(statusCode: 400, title: "Unknown permit type", detail: ex.Message);
            }
        });
        control.MapPost("/applications/{id}/advance", (SiCantikSimulator sim, string id) => Found(sim.Advance(id)));
        control.MapPost("/applications/{id}/issue", (SiCantikSimulator sim, string id, SiCantikIssueRequest? request) =>
            Found(sim.Issue(id, request?.Expires, request?.NoSurat)));
        control.MapPost("/applications/{id}/reject", (SiCantikSimulator sim, string id) => Found(sim.Reject(id)));
        control.MapPut("/applications/{id}/phone", (SiCantikSimulator sim, string id, SiCantikPhoneRequest request) =>
            Found(sim.SetPhone(id, request.Phone)));
        control.MapGet("/faults", (SiCantikSimulator sim) => TypedResults.Ok(sim.Faults));
        control.MapPut("/faults", Results<Ok<SiCantikFaults>, ProblemHttpResult> (SiCantikSimulator sim, SiCantikFaults faults) =>
        {
            if (faults.Problem() is { } problem)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid fault", detail: problem);
            }

            sim.Faults = faults;
            return TypedResults.Ok(faults);
        });
        control.MapDelete("/faults", (SiCantikSimulator sim) =>
        {
            sim.ClearFaults();
            return TypedResults.NoContent();
        });
        control.MapGet("/stats", (SiCantikSimulator sim) => TypedResults.Ok(sim.Stats()));
        return app;
    }

    private static Results<Ok<SiCantikApplicationView>, NotFound> Found(SiCantikApplicationView? view) =>
        view is null ? TypedResults.NotFound() : TypedResults.Ok(view);

    [GeneratedRegex(@"\.(xml|rawxml|json|serialize|php|html|csv)$")]
    private static partial Regex FormatExtension();

    private static async Task AnswerAsync(HttpContext http, SiCantikSimulator sim, string apiBase)
    {
        // The path arrives decoded except %2F; CodeIgniter's XSS filter rawurldecodes every value once more.
        var path = http.Request.Path.Value ?? "";
        var segments = path[Math.Min(apiBase.Length, path.Length)..].Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString).ToList();
        var method = segments.Count > 0 ? segments[0].ToLowerInvariant() : "";
        var args = Arguments(http.Request.Query, segments);
        string? extension = null;
        if (args.Count > 0 && FormatExtension().Match(args[^1].Value) is { Success: true } match)
        {
            extension = match.Groups[1].Value;
            args[^1] = new(args[^1].Key, args[^1].Value[..match.Index]);
        }

        var known = HttpMethods.IsGet(http.Request.Method) && SiCantikSimulator.Endpoints.Contains(method);
        var fail = sim.Arrive(known ? method : "(unknown)", out var faults);
        if (faults.SlowMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(faults.SlowMs), sim.Time, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var values = args.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        var reply = fail ? SiCantikReply.Empty(500)
            : known ? sim.Answer(method, values, faults)
            : SiCantikReply.Error("Unknown method.");
        var json = !faults.XmlOnly && SiCantikWire.WantsJson(extension, values.GetValueOrDefault("format"), http.Request.Headers.Accept.ToString());
        await WriteAsync(http, reply, json);
    }

    /// <summary>
    /// The query string (as PHP's <c>parse_str</c> reads it) merged with the <c>/key/value</c> segments
    /// after the method, which win on a clash but keep the query's position, as PHP's <c>array_merge</c> does.
    /// </summary>
    private static List<KeyValuePair<string, string>> Arguments(IQueryCollection query, List<string> segments)
    {
        var args = query.Select(q => new KeyValuePair<string, string>(q.Key, Uri.UnescapeDataString(q.Value[^1] ?? ""))).ToList();
        for (var i = 1; i < segments.Count; i += 2)
        {
            var pair = new KeyValuePair<string, string>(segments[i], i + 1 < segments.Count ? segments[i + 1] : "");
            var at = args.FindIndex(a => a.Key == pair.Key);
            if (at >= 0)
            {
                args[at] = pair;
            }
            else
            {
                args.Add(pair);
            }
        }

        return args;
    }

    private static async Task WriteAsync(HttpContext http, SiCantikReply reply, bool json)
    {
        var response = http.Response;
        response.StatusCode = reply.Status;
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false; // an empty body is the answer, not a gap for a problem document to fill
        }

        if (reply.Body is null)
        {
            // A PHP fatal error: nothing but the status and PHP's default type.
            response.ContentType = "text/html; charset=UTF-8";
            return;
        }

        response.ContentType = json ? SiCantikWire.JsonType : SiCantikWire.XmlType;
        response.Headers["access-control-allow-origin"] = "*";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "0";
        var body = Encoding.UTF8.GetBytes(json ? SiCantikWire.Json(reply.Body) : SiCantikWire.Xml(reply.Body));
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, http.RequestAborted);
    }
}
