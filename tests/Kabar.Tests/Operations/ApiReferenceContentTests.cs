using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Tests.Infrastructure;
using Kabar.Transfers;

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
    [InlineData("BulkDecisionRequest", "/api/decisions/bulk", HttpStatusCode.OK)]
    [InlineData("PermitRequest", "/api/permits", HttpStatusCode.Created)]
    [InlineData("CampaignRequest", "/api/campaigns", HttpStatusCode.Created)]
    [InlineData("ExperimentRequest", "/api/experiments", HttpStatusCode.Created)]
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

    [Fact]
    public async Task EverySchemaInTheDocument_DescribesEachProperty()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);

        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject().ToList();
        Assert.True(schemas.Count >= 80, $"Only {schemas.Count} schemas in the document.");
        var undescribed = schemas
            .SelectMany(s => s.Value.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => (Schema: s.Name, Property: p)) : [])
            .Where(x => string.IsNullOrWhiteSpace(Description(x.Property.Value)))
            .Select(x => $"{x.Schema}.{x.Property.Name}")
            .ToList();
        Assert.True(undescribed.Count == 0, $"{undescribed.Count} properties without a description:\n{string.Join('\n', undescribed)}");
    }

    [Fact]
    public async Task EveryRequestBody_HasAnExample_InEachContentType()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);

        var bodies = Operations(doc.RootElement)
            .Where(o => o.Operation.TryGetProperty("requestBody", out _))
            .SelectMany(o => o.Operation.GetProperty("requestBody").GetProperty("content").EnumerateObject()
                .Select(c => (Name: $"{o.Method.ToUpperInvariant()} {o.Path} ({c.Name})", Media: c.Value)))
            .ToList();
        Assert.True(bodies.Count >= 13, $"Only {bodies.Count} request bodies in the document.");
        var without = bodies.Where(b => !b.Media.TryGetProperty("example", out _)
                && !(b.Media.TryGetProperty("examples", out var examples) && examples.EnumerateObject().Any()))
            .Select(b => b.Name).ToList();
        Assert.True(without.Count == 0, $"Request bodies without an example:\n{string.Join('\n', without)}");
    }

    /// <summary>Each notification type's example, as the reference page offers it, is a request Kabar accepts.</summary>
    [Fact]
    public async Task NotificationExamples_OnePerType_AreEachAccepted()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        var examples = doc.RootElement.GetProperty("paths").GetProperty("/api/notifications").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("examples");

        Assert.Equal(NotificationCatalog.All.Select(t => t.Name), examples.EnumerateObject().Select(e => e.Name));
        using var api = app.Api();
        foreach (var example in examples.EnumerateObject())
        {
            using var content = new StringContent(example.Value.GetProperty("value").GetRawText(), Encoding.UTF8, "application/json");
            using var response = await api.PostAsync("/api/notifications", content);
            await Http.AssertStatusAsync(response, HttpStatusCode.Accepted);
        }
    }

    /// <summary>
    /// The imports read their CSV themselves, so the document must say what they take: the body as
    /// text/csv or a form file, every column the importer knows, and an example file that imports cleanly.
    /// </summary>
    [Theory]
    [InlineData("/api/imports/contacts")]
    [InlineData("/api/imports/permits")]
    public async Task CsvImports_DocumentTheirBody_AndTheExampleImports(string path)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        var body = doc.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody");
        var content = body.GetProperty("content");

        var columns = path.EndsWith("contacts", StringComparison.Ordinal) ? ContactImporter.Columns.ToArray() : PermitImporter.Columns;
        var description = body.GetProperty("description").GetString()!;
        Assert.All(columns, c => Assert.Contains($"`{c}`", description, StringComparison.Ordinal));
        var csv = content.GetProperty("text/csv").GetProperty("example").GetString()!;
        var form = content.GetProperty("multipart/form-data");
        Assert.Equal("binary", form.GetProperty("schema").GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Equal(csv, form.GetProperty("example").GetProperty("file").GetString());

        using var api = app.Api();
        using var upload = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await api.PostAsync($"{path}?dryRun=true", upload);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(report.RootElement.GetProperty("rows").GetInt32() >= 2, report.RootElement.GetRawText());
        Assert.Equal(0, report.RootElement.GetProperty("rejected").GetInt32());

        using var multipart = new MultipartFormDataContent();
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        multipart.Add(file, "file", "kabar.csv");
        using var formResponse = await api.PostAsync($"{path}?dryRun=true", multipart);
        await Http.AssertStatusAsync(formResponse, HttpStatusCode.OK);
    }

    /// <summary>The whole-answer examples have the fields a real answer has, no more and no fewer.</summary>
    [Fact]
    public async Task ResponseExamples_HaveTheFieldsOfARealAnswer()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        using var api = app.Api();
        var paths = doc.RootElement.GetProperty("paths");
        JsonElement Example(string path, string method, string status) => paths.GetProperty(path).GetProperty(method).GetProperty("responses")
            .GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("example");

        using var created = await PostJsonAsync(api, "/api/contacts", RequestExample(paths, "/api/contacts"));
        var contactId = created.RootElement.GetProperty("id").GetString();
        using var campaign = await PostJsonAsync(api, "/api/campaigns", RequestExample(paths, "/api/campaigns"));
        using var experiment = await PostJsonAsync(api, "/api/experiments", RequestExample(paths, "/api/experiments"));
        var real = new (string Path, string Method, string Status, string Url)[]
        {
            ("/api/contacts/{id}", "get", "200", $"/api/contacts/{contactId}"),
            ("/api/campaigns/{id}", "get", "200", $"/api/campaigns/{campaign.RootElement.GetProperty("id").GetString()}"),
            ("/api/experiments/{id}", "get", "200", $"/api/experiments/{experiment.RootElement.GetProperty("id").GetString()}"),
            ("/api/stats", "get", "200", "/api/stats"),
        };
        foreach (var (path, method, status, url) in real)
        {
            using var answer = JsonDocument.Parse(await api.GetStringAsync(url));
            AssertSameFields(path, Example(path, method, status), answer.RootElement);
        }

        using var decision = await PostJsonAsync(api, "/api/decisions", RequestExample(paths, "/api/decisions"));
        AssertSameFields("/api/decisions", Example("/api/decisions", "post", "200"), decision.RootElement);
        var notification = Example("/api/notifications/{id}", "get", "200");
        Assert.Equal(NotificationCatalog.All[0].Name, notification.GetProperty("type").GetString());
        Assert.NotEmpty(notification.GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task CorrectionExample_IsAccepted_ForAContact()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        using var doc = await DocumentAsync(app);
        using var api = app.Api();
        var paths = doc.RootElement.GetProperty("paths");
        using var created = await PostJsonAsync(api, "/api/contacts", RequestExample(paths, "/api/contacts"));

        var example = paths.GetProperty("/api/contacts/{id}").GetProperty("patch").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("example");
        using var content = new StringContent(example.GetRawText(), Encoding.UTF8, "application/json");
        using var response = await api.PatchAsync($"/api/contacts/{created.RootElement.GetProperty("id").GetString()}", content);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
    }

    private static JsonElement RequestExample(JsonElement paths, string path) =>
        paths.GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

    private static async Task<JsonDocument> PostJsonAsync(HttpClient api, string path, JsonElement body)
    {
        using var content = new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static void AssertSameFields(string path, JsonElement example, JsonElement answer) =>
        Assert.True(example.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)
                .SequenceEqual(answer.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)),
            $"{path}: the example has {string.Join(", ", example.EnumerateObject().Select(p => p.Name))}; "
            + $"a real answer has {string.Join(", ", answer.EnumerateObject().Select(p => p.Name))}");

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
