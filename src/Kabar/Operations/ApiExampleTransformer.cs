using System.Text.Json;
using System.Text.Json.Nodes;
using Kabar.Notifications;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Kabar.Operations;

/// <summary>
/// Puts examples where a reader looks first, beside each content type: a request body Kabar
/// accepts (one per notification type for <c>POST /api/notifications</c>), a whole answer for the
/// main responses, and the CSV body of the imports, which read their file themselves.
/// </summary>
internal sealed class ApiExampleTransformer : IOpenApiOperationTransformer
{
    private const string Json = "application/json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var description = context.Description;
        if (description.ActionDescriptor.EndpointMetadata.OfType<CsvBodyExample>().FirstOrDefault() is { } csv)
        {
            operation.RequestBody = CsvRequestBody(csv);
            DescribeImportParameters(operation);
        }
        else if (operation.RequestBody?.Content is { } content
            && description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type is { } bodyType)
        {
            foreach (var media in content.Values)
            {
                AddRequestExample(media, bodyType, json);
            }
        }

        foreach (var answer in description.SupportedResponseTypes)
        {
            var status = answer.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (answer.Type is { } type && ApiResponseExamples.ForResponse(type) is { } example
                && operation.Responses?.GetValueOrDefault(status) is OpenApiResponse { Content: { } answerContent }
                && answerContent.TryGetValue(Json, out var media))
            {
                media.Example = JsonSerializer.SerializeToNode(example, type, json);
            }
        }

        return Task.CompletedTask;
    }

    private static void AddRequestExample(OpenApiMediaType media, Type bodyType, JsonSerializerOptions json)
    {
        if (bodyType == typeof(NotificationRequest))
        {
            // One example per type of the catalog, each with exactly the parameters that type needs.
            media.Examples = NotificationCatalog.All.ToDictionary(t => t.Name, t => (IOpenApiExample)new OpenApiExample
            {
                Summary = t.Name,
                Description = ApiSchemaTransformer.TypeLine(t),
                Value = ApiSchemaTransformer.WithoutNulls(JsonSerializer.SerializeToNode(ApiExamples.Notification(t), json)!),
            }, StringComparer.Ordinal);
            return;
        }

        if (ApiExamples.ForRequest(bodyType) is { } example && JsonSerializer.SerializeToNode(example, bodyType, json) is { } node)
        {
            media.Example = ApiSchemaTransformer.WithoutNulls(node);
        }
    }

    private static OpenApiRequestBody CsvRequestBody(CsvBodyExample csv) => new()
    {
        Required = true,
        Description = csv.Columns,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["text/csv"] = new()
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The CSV file itself, header row first." },
                Example = JsonValue.Create(csv.Example),
            },
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string>(["file"], StringComparer.Ordinal),
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Format = "binary",
                            Description = "The CSV file, header row first; the form's first file is read.",
                        },
                    },
                },
                Example = new JsonObject { ["file"] = csv.Example },
            },
        },
    };

    private static void DescribeImportParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Description = parameter.Name switch
            {
                "dryRun" => "true to check the file and answer the report without writing anything. Default false.",
                "encoding" => "The file's encoding when it is not UTF-8: windows-1252 or iso-8859-1 (a spreadsheet's plain CSV export).",
                _ => parameter.Description,
            };
        }
    }
}
