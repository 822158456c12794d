using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kabar.Tests.GoLive;

/// <summary>One request the fake received, as it arrived.</summary>
public sealed record GraphRequest(string Method, string Path, string Query, string Authorization, string Body);

/// <summary>
/// A Graph API written from Meta's reference pages alone, apart from Kabar's own simulator: the
/// WhatsApp Business Account node, the phone number node, <c>subscribed_apps</c> and
/// <c>message_templates</c> (GET with <c>paging</c>, POST answering <c>id</c>, <c>status</c>,
/// <c>category</c>), Graph errors (<c>message</c>, <c>type</c>, <c>code</c>, <c>error_subcode</c>,
/// <c>fbtrace_id</c>) and the <c>X-Business-Use-Case-Usage</c> header. Its state is set by the test.
/// </summary>
public sealed class MetaGraphFake : IAsyncDisposable
{
    public const string Token = "EAAG-fake-system-user-token-7f3a9c";
    public const string WabaId = "102290129340398";
    public const string NumberId = "106540352242922";

    private readonly WebApplication app;

    private MetaGraphFake(WebApplication app) => this.app = app;

    public ConcurrentQueue<GraphRequest> Requests { get; } = new();

    /// <summary>The phone number node's fields.</summary>
    public Dictionary<string, string> Number { get; } = new()
    {
        ["display_phone_number"] = "+62 811-2345-6789",
        ["verified_name"] = "DPMPTSP Kabupaten Karo",
        ["name_status"] = "APPROVED",
        ["code_verification_status"] = "VERIFIED",
        ["quality_rating"] = "GREEN",
        ["status"] = "CONNECTED",
        ["platform_type"] = "CLOUD_API",
        ["whatsapp_business_manager_messaging_limit"] = "TIER_250",
    };

    public List<JsonObject> Templates { get; } = [];

    public List<JsonObject> SubscribedApps { get; } = [];

    /// <summary>When set, every call answers this Graph error (code, subcode, message) with HTTP 400 (401 for 190).</summary>
    public (int Code, int? Subcode, string Message)? Error { get; set; }

    /// <summary>The usage header's figures: percentages and minutes to regain access.</summary>
    public (int CallCount, int RegainMinutes) Usage { get; set; } = (3, 0);

    /// <summary>Templates per page of <c>message_templates</c>, to make the client follow <c>paging.next</c>.</summary>
    public int PageSize { get; set; } = 5;

    /// <summary>When set, creating a template answers Meta's validation error (code 100 with this subcode and texts).</summary>
    public (int Subcode, string Title, string Message)? RejectCreate { get; set; }

    /// <summary>When set, the phone number node answers this body with 200 instead (what a misbehaving proxy might).</summary>
    public string? NumberBody { get; set; }

    /// <summary><c>paging.next</c> points to another host.</summary>
    public bool ForeignNext { get; set; }

    public string BaseUrl => app.Urls.First();

    public static async Task<MetaGraphFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new MetaGraphFake(app);
        app.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            http.Request.Body.Position = 0;
            fake.Requests.Enqueue(new GraphRequest(http.Request.Method, http.Request.Path, http.Request.QueryString.Value ?? "",
                http.Request.Headers.Authorization.ToString(), body));
            http.Response.Headers["X-Business-Use-Case-Usage"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                [WabaId] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "whatsapp_business_management", ["call_count"] = fake.Usage.CallCount, ["total_cputime"] = 1,
                        ["total_time"] = 1, ["estimated_time_to_regain_access"] = fake.Usage.RegainMinutes,
                    },
                },
            });
            if (http.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await WriteError(http, 190, null, "Invalid OAuth access token - Cannot parse access token");
                return;
            }

            if (fake.Error is { } e)
            {
                await WriteError(http, e.Code, e.Subcode, e.Message);
                return;
            }

            await next(http);
        });
        app.MapGet("/v23.0/{id}", (string id, string? fields) => id switch
        {
            WabaId => Fields(fields, new() { ["id"] = WabaId, ["name"] = "DPMPTSP Karo", ["currency"] = "IDR", ["timezone_id"] = "69" }),
            NumberId when fake.NumberBody is { } raw => Results.Text(raw, "application/json"),
            NumberId => Fields(fields, new(fake.Number) { ["id"] = NumberId }),
            _ => NotFound(id),
        });
        app.MapGet("/v23.0/{waba}/subscribed_apps", (string waba) => waba != WabaId ? NotFound(waba)
            : Results.Json(new JsonObject { ["data"] = new JsonArray([.. fake.SubscribedApps.Select(a => a.DeepClone())]) }));
        app.MapPost("/v23.0/{waba}/subscribed_apps", (string waba) =>
        {
            if (waba != WabaId)
            {
                return NotFound(waba);
            }

            fake.SubscribedApps.Add(new JsonObject
            {
                ["whatsapp_business_api_data"] = new JsonObject { ["link"] = "https://kabar.example.go.id/", ["name"] = "Kabar DPMPTSP", ["id"] = "1234567890123" },
            });
            return Results.Json(new JsonObject { ["success"] = true });
        });
        app.MapGet("/v23.0/{waba}/message_templates", (HttpContext http, string waba, string? after) =>
        {
            var start = after is null ? 0 : int.Parse(after, CultureInfo.InvariantCulture);
            var page = fake.Templates.Skip(start).Take(fake.PageSize).Select(t => t.DeepClone()).ToList();
            var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = start.ToString(CultureInfo.InvariantCulture), ["after"] = (start + page.Count).ToString(CultureInfo.InvariantCulture) } };
            if (start + page.Count < fake.Templates.Count)
            {
                var host = fake.ForeignNext ? "https://graph.example.net" : fake.BaseUrl;
                paging["next"] = $"{host}/v23.0/{waba}/message_templates{http.Request.QueryString.Value?.Split("&after=")[0]}&after={start + page.Count}";
            }

            return Results.Json(new JsonObject { ["data"] = new JsonArray([.. page]), ["paging"] = paging });
        });
        app.MapPost("/v23.0/{waba}/message_templates", async (HttpContext http) =>
        {
            var request = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            if (fake.RejectCreate is { } reject)
            {
                return Results.Json(new JsonObject
                {
                    ["error"] = new JsonObject
                    {
                        ["message"] = "Invalid parameter",
                        ["type"] = "OAuthException",
                        ["code"] = 100,
                        ["error_subcode"] = reject.Subcode,
                        ["is_transient"] = false,
                        ["error_user_title"] = reject.Title,
                        ["error_user_msg"] = reject.Message,
                        ["fbtrace_id"] = "AFakeTrace03",
                    },
                }, statusCode: 400);
            }

            var id = (9_000_000_000_000 + fake.Templates.Count).ToString(CultureInfo.InvariantCulture);
            fake.Templates.Add(new JsonObject
            {
                ["id"] = id,
                ["name"] = request["name"]!.GetValue<string>(),
                ["language"] = request["language"]!.GetValue<string>(),
                ["status"] = "PENDING",
                ["category"] = request["category"]!.GetValue<string>(),
                ["parameter_format"] = request["parameter_format"]?.GetValue<string>() ?? "POSITIONAL",
                ["components"] = request["components"]!.DeepClone(),
            });
            return Results.Json(new JsonObject { ["id"] = id, ["status"] = "PENDING", ["category"] = request["category"]!.GetValue<string>() });
        });
        await app.StartAsync();
        return fake;
    }

    /// <summary>A template at the fake, as <c>message_templates</c> lists it.</summary>
    public void AddTemplate(string name, string language, string status, string body, string category = "UTILITY", string? quality = null)
    {
        var template = new JsonObject
        {
            ["id"] = (8_000_000_000_000 + Templates.Count).ToString(CultureInfo.InvariantCulture),
            ["name"] = name,
            ["language"] = language,
            ["status"] = status,
            ["category"] = category,
            ["parameter_format"] = "POSITIONAL",
            ["components"] = new JsonArray(new JsonObject { ["type"] = "BODY", ["text"] = body }),
        };
        if (quality is not null)
        {
            template["quality_score"] = new JsonObject { ["score"] = quality };
        }

        Templates.Add(template);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static IResult Fields(string? fields, Dictionary<string, string> node)
    {
        var wanted = fields?.Split(',') ?? ["id", "name"];
        var result = new JsonObject();
        foreach (var (key, value) in node.Where(p => wanted.Contains(p.Key) || p.Key == "id"))
        {
            result[key] = value;
        }

        return Results.Json(result);
    }

    private static IResult NotFound(string id) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            ["type"] = "GraphMethodException",
            ["code"] = 100,
            ["error_subcode"] = 33,
            ["fbtrace_id"] = "AFakeTrace01",
        },
    }, statusCode: 400);

    private static Task WriteError(HttpContext http, int code, int? subcode, string message)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = "OAuthException", ["code"] = code, ["fbtrace_id"] = "AFakeTrace02" };
        if (subcode is { } s)
        {
            error["error_subcode"] = s;
        }

        http.Response.StatusCode = code == 190 ? 401 : 400;
        return http.Response.WriteAsJsonAsync(new JsonObject { ["error"] = error });
    }
}
