using System.Text.Json;
using System.Text.Json.Nodes;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kabar.Operations;

/// <summary>
/// What the schemas cannot say by themselves: which request fields are required (a positional
/// record makes every one look required), a realistic example of each request, and the
/// notification types with their parameters, read from <see cref="NotificationCatalog"/>, and what
/// each field of a problem answer means.
/// </summary>
internal sealed class ApiSchemaTransformer : IOpenApiSchemaTransformer
{
    /// <summary>The fields each request must carry; the API answers 422 naming any that is missing.</summary>
    private static readonly Dictionary<Type, string[]> RequiredFields = new()
    {
        [typeof(NotificationRequest)] = ["type"],
        [typeof(ContactRequest)] = ["phone"],
        [typeof(ConsentRequest)] = ["granted"],
        [typeof(DecisionsApi.DecisionRequest)] = ["message"],
        [typeof(DecisionsApi.DecisionMessageRequest)] = ["kind"],
        [typeof(DecisionsApi.BulkDecisionRequest)] = ["message"],
        [typeof(PermitRequest)] = ["externalRef", "permitType", "status", "holder"],
        [typeof(PersonRequest)] = [],
        [typeof(PermitLinks)] = [],
        [typeof(DocumentRequest)] = ["name", "role", "assignee"],
        [typeof(ContactCorrection)] = [],
        [typeof(CampaignRequest)] = ["name", "channel", "dailyCap", "sendingHours"],
        [typeof(SegmentRequest)] = [],
        [typeof(SendingHoursRequest)] = ["from", "until"],
        [typeof(ExperimentRequest)] = ["name", "variants"],
        [typeof(VariantRequest)] = ["key", "weight"],
        [typeof(TextRequest)] = ["id", "en"],
    };

    /// <summary>The problem answers are ASP.NET Core's own types, which carry no XML docs of Kabar's.</summary>
    private static readonly Dictionary<string, string> ProblemFields = new(StringComparer.Ordinal)
    {
        ["type"] = "A URI naming the kind of problem (RFC 9457); the RFC section of the status for Kabar's answers.",
        ["title"] = "The kind of problem in a few words, the same for every answer of that kind.",
        ["status"] = "The HTTP status code, repeated.",
        ["detail"] = "What went wrong this time and what would be accepted, in words.",
        ["instance"] = "The request that failed, when given.",
        ["errors"] = "For 422: each field that was refused (a JSON path such as message.kind), with what it would accept.",
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (context.JsonPropertyInfo is null && type.IsAssignableTo(typeof(ProblemDetails)))
        {
            DescribeProblem(schema);
        }

        if (context.JsonPropertyInfo is not null || !RequiredFields.TryGetValue(type, out var required))
        {
            return Task.CompletedTask;
        }

        schema.Required = new HashSet<string>(required, StringComparer.Ordinal);
        foreach (var name in required)
        {
            // Required means present and not null: the null the record's C# type allows is only how a missing field binds.
            if (Property(schema, name) is { } property && property.Type is { } t)
            {
                property.Type = t & ~JsonSchemaType.Null;
            }
        }

        if (type == typeof(NotificationRequest))
        {
            DescribeTypes(schema);
        }

        if (ApiExamples.ForRequest(type) is { } example && JsonSerializer.SerializeToNode(example, context.JsonTypeInfo.Options.GetTypeInfo(type)) is { } node)
        {
            schema.Examples = [WithoutNulls(node)];
        }

        return Task.CompletedTask;
    }

    /// <summary>An example shows the fields one would send; optional fields left out, not sent as null.</summary>
    internal static JsonNode WithoutNulls(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (value is null)
                {
                    obj.Remove(name);
                }
                else
                {
                    WithoutNulls(value);
                }
            }
        }

        return node;
    }

    private static OpenApiSchema? Property(OpenApiSchema schema, string name) =>
        schema.Properties is not null && schema.Properties.TryGetValue(name, out var p) ? p as OpenApiSchema : null;

    private static void DescribeProblem(OpenApiSchema schema)
    {
        schema.Description ??= "A problem answer (RFC 9457), served as application/problem+json.";
        foreach (var (name, text) in ProblemFields)
        {
            if (Property(schema, name) is { } property && string.IsNullOrEmpty(property.Description))
            {
                property.Description = text;
            }
        }
    }

    /// <summary>The <c>type</c> field as an enum of the catalog, each value with its recipient, legal basis and parameters.</summary>
    private static void DescribeTypes(OpenApiSchema schema)
    {
        if (Property(schema, "type") is { } typeField)
        {
            typeField.Enum = NotificationCatalog.All.Select(t => (JsonNode)JsonValue.Create(t.Name)).ToList();
            var descriptions = new JsonObject();
            foreach (var t in NotificationCatalog.All)
            {
                descriptions[t.Name] = TypeLine(t);
            }

            // Scalar shows x-enumDescriptions beside each value; the text repeats it for other readers.
            typeField.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            typeField.Extensions["x-enumDescriptions"] = new JsonNodeExtension(descriptions);
            typeField.Description = typeField.Description + "\n\n" + string.Join('\n', NotificationCatalog.All.Select(t => $"- `{t.Name}`: {TypeLine(t)}"));
        }

        if (Property(schema, "params") is { } paramsField)
        {
            paramsField.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Number };
        }
    }

    internal static string TypeLine(NotificationType t) => t.Name == NotificationCatalog.OptInRequest
        ? $"to {t.Recipient}, basis {Basis(t.Basis)}; parameters {string.Join(", ", t.Parameters)} are filled in by Kabar."
        : $"to the {t.Recipient}, basis {Basis(t.Basis)}; parameters: {string.Join(", ", t.Parameters)}.";

    private static string Basis(LegalBasis basis) => EnumText<LegalBasis>.Name(basis);
}
