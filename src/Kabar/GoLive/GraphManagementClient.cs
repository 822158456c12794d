using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kabar.Common;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.GoLive;

/// <summary>
/// The Graph API calls of going live (WhatsApp Business Management API): reads of the business
/// account, its numbers, subscribed apps and templates, and the few writes Kabar makes there. It
/// respects Meta's rate limits: it reads <c>X-Business-Use-Case-Usage</c> (and <c>X-App-Usage</c>)
/// on every answer, slows down above 75 % of a budget and makes no further call once Meta says to
/// wait (<c>estimated_time_to_regain_access</c>, or a throttling error), answering those calls with
/// a failure that says how long. The access token is sent only to the Graph API's host and is
/// never part of a message.
/// </summary>
public sealed class GraphManagementClient(IHttpClientFactory httpClients, IOptions<WhatsAppOptions> options, GraphApiEndpoint endpoint,
    SandboxToken sandbox, GraphBudget budget, TimeProvider time)
{
    /// <summary>
    /// Its own HttpClient, without the send client's retries: a retry under a throttle is one more
    /// call against the budget Meta asked to rest.
    /// </summary>
    public const string HttpClientName = "whatsapp-management";

    private const double SlowDownAt = 75;
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Version => options.Value.GraphApiVersion;

    /// <summary>The first configured number's token (all management calls of one office use one system user).</summary>
    public string DefaultToken => options.Value.EffectiveNumbers[0].AccessToken ?? sandbox.Value;

    public Task<GraphAnswer> GetAsync(string path, string? token = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, path, null, token, ct);

    public Task<GraphAnswer> PostAsync(string path, byte[]? json, string? token = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, path, json, token, ct);

    /// <summary>Every page of a list edge (<c>data</c>, following <c>paging.next</c> on the Graph API's host only).</summary>
    public async Task<(List<JsonElement> Items, GraphFailure? Error)> GetAllAsync(string path, CancellationToken ct = default)
    {
        var items = new List<JsonElement>();
        string? next = path;
        for (var page = 0; next is not null && page < 100; page++)
        {
            var answer = await SendAsync(HttpMethod.Get, next, null, null, ct);
            if (answer.Error is { } error)
            {
                return (items, error);
            }

            if (answer.Body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(data.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object));
            }

            next = answer.Body.TryGetProperty("paging", out var paging) && JsonText.StringOf(paging, "next") is { Length: > 0 } n ? n : null;
            if (next is not null && !SameOrigin(next, endpoint.BaseUrl))
            {
                return (items, new GraphFailure(null, null, "paging.next points to another host; Kabar does not send the access token there."));
            }
        }

        return (items, null);
    }

    private async Task<GraphAnswer> SendAsync(HttpMethod method, string path, byte[]? json, string? token, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (blockedUntil, usage) = budget.Read();
        if (blockedUntil is { } until && until > now)
        {
            return Failed(new GraphFailure(null, null, $"not asked: Meta's rate limit for this business account is reached; calls are possible again in about {Minutes(until - now)} minute(s)"));
        }

        if (usage >= SlowDownAt)
        {
            // Near a budget: spread the remaining calls rather than spend it in a burst.
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, (usage - SlowDownAt) / 2.5)), time, ct);
        }

        var url = path.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? path : $"{endpoint.BaseUrl}/{Version}/{path.TrimStart('/')}";
        var secret = token ?? DefaultToken;
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, linked.Token);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            var answer = Read(response, body, secret);
            ReadUsage(response, answer.Error is { Throttled: true });
            return answer;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(new GraphFailure(null, null, $"no answer from {endpoint.BaseUrl} within {Timeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException ex)
        {
            return Failed(new GraphFailure(null, null, $"cannot reach {endpoint.BaseUrl}: {ex.HttpRequestError}"));
        }
    }

    private static GraphAnswer Failed(GraphFailure failure) => new(default, failure);

    private static GraphAnswer Read(HttpResponseMessage response, byte[] body, string token)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Failed(new GraphFailure(null, null, $"HTTP {(int)response.StatusCode} with a body that is not JSON (a proxy in between?)"));
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            int? Int(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
            string? Text(string name) => JsonText.StringOf(error, name) is { } s ? Clean(s, token) : null;
            return Failed(new GraphFailure(Int("code"), Int("error_subcode"), Text("message") ?? $"HTTP {(int)response.StatusCode}",
                Text("error_user_title"), Text("error_user_msg")));
        }

        if (!response.IsSuccessStatusCode)
        {
            return Failed(new GraphFailure(null, null, $"HTTP {(int)response.StatusCode} without a Graph error"));
        }

        return root.ValueKind == JsonValueKind.Object
            ? new GraphAnswer(root, null)
            : Failed(new GraphFailure(null, null, $"HTTP {(int)response.StatusCode} with JSON that is not an object, which the Graph API never answers (a proxy in between?)"));
    }

    /// <summary>Meta's text, masked like a log line and without the token should Meta echo it.</summary>
    private static string Clean(string text, string token) =>
        Pii.MaskText(token.Length > 0 ? text.Replace(token, "[token]", StringComparison.Ordinal) : text);

    /// <summary>
    /// <c>X-Business-Use-Case-Usage: {"WABA_ID":[{"type":"whatsapp_business_management","call_count":12,
    /// "total_cputime":3,"total_time":5,"estimated_time_to_regain_access":0}]}</c> (percentages; minutes),
    /// and <c>X-App-Usage: {"call_count":…,"total_time":…,"total_cputime":…}</c>.
    /// </summary>
    private void ReadUsage(HttpResponseMessage response, bool throttled)
    {
        double highest = 0;
        var regain = 0;
        foreach (var header in new[] { "X-Business-Use-Case-Usage", "X-App-Usage" })
        {
            if (!response.Headers.TryGetValues(header, out var values))
            {
                continue;
            }

            foreach (var value in values)
            {
                try
                {
                    using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(value));
                    Walk(document.RootElement, ref highest, ref regain);
                }
                catch (JsonException)
                {
                    // An unreadable usage header says nothing; the call itself still counts.
                }
            }
        }

        TimeSpan? wait = regain > 0 ? TimeSpan.FromMinutes(regain) : highest >= 100 || throttled ? DefaultWait : null;
        budget.Record(highest, time.GetUtcNow(), wait);
    }

    private static void Walk(JsonElement e, ref double highest, ref int regain)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, ref highest, ref regain);
                }

                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var n))
                    {
                        if (p.Name is "call_count" or "total_cputime" or "total_time" or "acc_id_util_pct")
                        {
                            highest = Math.Max(highest, n);
                        }
                        else if (p.Name == "estimated_time_to_regain_access")
                        {
                            regain = Math.Max(regain, (int)Math.Ceiling(n));
                        }
                    }
                    else
                    {
                        Walk(p.Value, ref highest, ref regain);
                    }
                }

                break;
        }
    }

    private static string Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    private static bool SameOrigin(string url, string baseUrl) =>
        Uri.TryCreate(url, UriKind.Absolute, out var a) && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b)
        && a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
