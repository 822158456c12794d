using System.Net;
using System.Text;
using System.Text.Json;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Operations;

/// <summary>
/// What an integrator reads in <c>/openapi/v1.json</c> (and on <c>/scalar/</c>): every operation
/// summarised, the fields described, examples Kabar accepts, the notification catalog, the job
/// names, and the problem answers Kabar really gives.
/// </summary>
public sealed class ApiReferenceContentTests(PostgresServer postgres)
{
    /// <summary>The records integrators send and read most; each of their fields must say what it is.</summary>
    private static readonly string[] MainSchemas =
    [
        "NotificationRequest", "NotificationAccepted", "NotificationResponse", "NotificationPage", "AttemptResponse", "StatusStep",
        "Decision", "DecisionRequest", "DecisionMessageRequest", "BulkDecisionRequest", "ContactRequest", "ContactResponse",
        "ConsentRequest", "ConsentStates", "PermitRequest", "PersonRequest", "PermitLinks", "PermitResponse", "JobRunResponse", "JobResponse",
    ];

    [Fact]
    public async Task OpenApiDocument_EveryOperation_HasASummary()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);

        var operations = Operations(doc.RootElement).ToList();
        Assert.True(operations.Count >= 37, $"Only {operations.Count} operations in the document.");
        var missing = operations.Where(o => !o.Operation.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString()))
            .Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.True(missing.Count == 0, $"Operations without a summary:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public async Task NotificationRequest_RequiresOnlyType_AndItsExampleIsAccepted()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        var schema = Schema(doc.RootElement, "NotificationRequest");

        Assert.Equal(["type"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var type = schema.GetProperty("properties").GetProperty("type");
        Assert.Equal("string", type.GetProperty("type").GetString()); // required, so not nullable

        var example = schema.GetProperty("examples")[0];
        Assert.Equal(JsonValueKind.Object, example.ValueKind);
        Assert.All(example.EnumerateObject(), p => Assert.NotEqual(JsonValueKind.Null, p.Value.ValueKind));
        Assert.Equal("permit_ready", example.GetProperty("type").GetString());

        using var api = app.Api();
        using var content = new StringContent(example.GetRawText(), Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("/api/notifications", content);
        await Http.AssertStatusAsync(response, HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("ContactRequest", "/api/contacts", HttpStatusCode.Created)]
    [InlineData("DecisionRequest", "/api/decisions", HttpStatusCode.OK)]
    [InlineData("PermitRequest", "/api/permits", HttpStatusCode.Created)]
    public async Task RequestExamples_AreAccepted_WhenPosted(string schemaName, string path, HttpStatusCode expected)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        var example = Schema(doc.RootElement, schemaName).GetProperty("examples")[0];

        using var api = app.Api();
        using var content = new StringContent(example.GetRawText(), Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(path, content);
        await Http.AssertStatusAsync(response, expected);
    }

    [Fact]
    public async Task NotificationTypes_InTheDocument_AreTheCatalogWithItsParameters()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        var type = Schema(doc.RootElement, "NotificationRequest").GetProperty("properties").GetProperty("type");

        Assert.Equal(NotificationCatalog.All.Select(t => t.Name), type.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var descriptions = type.GetProperty("x-enumDescriptions");
        var text = type.GetProperty("description").GetString()!;
        foreach (var t in NotificationCatalog.All)
        {
            var line = descriptions.GetProperty(t.Name).GetString()!;
            Assert.All(t.Parameters, p => Assert.Contains(p, line, StringComparison.Ordinal));
            Assert.Contains($"`{t.Name}`: {line}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task JobNames_AreListed_AsTheRunParameter()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        using var api = app.Api();
        using var jobs = JsonDocument.Parse(await api.GetStringAsync("/api/jobs"));
        var names = jobs.RootElement.EnumerateArray().Select(j => j.GetProperty("name").GetString()).ToList();
        Assert.Contains("expiry-reminders", names);

        var name = doc.RootElement.GetProperty("paths").GetProperty("/api/jobs/{name}/run").GetProperty("post").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "name");
        Assert.Equal(names, name.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.All(names, n => Assert.Contains($"`{n}`", name.GetProperty("description").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task MainSchemas_DescribeEveryProperty()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);

        var undescribed = new List<string>();
        foreach (var name in MainSchemas)
        {
            var schema = Schema(doc.RootElement, name);
            Assert.False(string.IsNullOrWhiteSpace(schema.GetProperty("description").GetString()), $"{name} has no description");
            foreach (var property in schema.GetProperty("properties").EnumerateObject())
            {
                if (string.IsNullOrWhiteSpace(Description(property.Value)))
                {
                    undescribed.Add($"{name}.{property.Name}");
                }
            }
        }

        Assert.True(undescribed.Count == 0, $"Properties without a description:\n{string.Join('\n', undescribed)}");
    }

    /// <summary>
    /// Walks every operation with what a careless client sends (an unknown id or job, an empty or
    /// broken body, no query) and checks that each problem Kabar answers is in the document, as
    /// problem details with an example of that status.
    /// </summary>
    [Fact]
    public async Task EveryProblemKabarAnswers_IsDocumented_WithAProblemDetailsExample()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        using var api = app.Api();

        var undocumented = new List<string>();
        var answered = 0;
        foreach (var (path, method, operation) in Operations(doc.RootElement))
        {
            var url = path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{name}", "no-such-job", StringComparison.Ordinal).Replace("{phoneNumberId}", "0", StringComparison.Ordinal);
            var hasJsonBody = operation.TryGetProperty("requestBody", out _);
            foreach (var body in hasJsonBody ? new string?[] { "{}", "{\"broken\": " } : [null])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await api.SendAsync(request);
                var status = (int)response.StatusCode;
                Assert.True(status < 500, $"{method} {url} answered {status}: {await response.Content.ReadAsStringAsync()}");
                if (status is >= 400 and not (401 or 403))
                {
                    answered++;
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    if (ProblemExample(operation, status) is null)
                    {
                        undocumented.Add($"{method.ToUpperInvariant()} {path} answers {status} (body {body ?? "none"})");
                    }
                }
            }
        }

        Assert.True(answered >= 30, $"Only {answered} problem answers were provoked.");
        Assert.True(undocumented.Count == 0, $"Problem answers missing from the document:\n{string.Join('\n', undocumented)}");
    }

    [Fact]
    public async Task DocumentedProblems_CarryAnExampleOfTheirStatus()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);

        var documented = 0;
        foreach (var (path, method, operation) in Operations(doc.RootElement))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name is "400" or "404" or "409" or "422"))
            {
                documented++;
                var status = int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture);
                var example = ProblemExample(operation, status);
                Assert.True(example is not null, $"{method} {path} documents {status} without an application/problem+json example");
                Assert.Equal(status, example.Value.GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(example.Value.GetProperty("detail").GetString()));
                if (status == 422)
                {
                    Assert.NotEmpty(example.Value.GetProperty("errors").EnumerateObject());
                }
            }
        }

        // The enqueue call documents the answers the contract names: 422 for a bad parameter, 409 for a reused key.
        var enqueue = doc.RootElement.GetProperty("paths").GetProperty("/api/notifications").GetProperty("post").GetProperty("responses");
        Assert.True(enqueue.TryGetProperty("409", out _) && enqueue.TryGetProperty("422", out _) && enqueue.TryGetProperty("400", out _));
        Assert.True(documented >= 40, $"Only {documented} problem answers documented.");
    }

    private static async Task<JsonDocument> DocumentAsync(KabarApp app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name, o.Value)));

    private static JsonElement Schema(JsonElement root, string name) =>
        root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>A property's description, also where a nullable reference wraps it in <c>oneOf</c>.</summary>
    private static string? Description(JsonElement property) =>
        property.TryGetProperty("description", out var d) ? d.GetString()
        : property.TryGetProperty("oneOf", out var one) ? one.EnumerateArray().Select(Description).FirstOrDefault(s => s is not null)
        : null;

    /// <summary>The documented problem example for a status: the single example, or the first of several.</summary>
    private static JsonElement? ProblemExample(JsonElement operation, int status)
    {
        if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
            || !response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var media))
        {
            return null;
        }

        if (media.TryGetProperty("example", out var example))
        {
            return example;
        }

        return media.TryGetProperty("examples", out var examples) ? examples.EnumerateObject().First().Value.GetProperty("value") : null;
    }
}
