using System.Text.Json;
using System.Text.Json.Nodes;
using Kabar.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Kabar.Operations;

/// <summary>
/// Gives each documented problem answer its description and example (<see cref="ProblemAnswers"/>),
/// and documents the 400 that every endpoint with a body gives when the body cannot be read.
/// </summary>
internal sealed class ProblemResponseTransformer : IOpenApiOperationTransformer
{
    public const string ContentType = "application/problem+json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var examples = context.Description.ActionDescriptor.EndpointMetadata.OfType<ProblemExample>().Select(e => e.Problem).ToList();
        if (operation.RequestBody is not null)
        {
            // RequestInputExceptions answers an unreadable body (not JSON, not UTF-8, the wrong shape) with this.
            examples.Add(Problems.BadRequest("The body is not valid JSON for this endpoint: 'x' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0.").ProblemDetails);
        }

        operation.Responses ??= [];
        foreach (var group in examples.GroupBy(p => p.Status ?? StatusCodes.Status400BadRequest))
        {
            var key = group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.GetValueOrDefault(key) is not OpenApiResponse response)
            {
                response = new OpenApiResponse();
                operation.Responses[key] = response;
            }

            response.Description = group.First().Title;
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            if (!response.Content.TryGetValue(ContentType, out var media))
            {
                media = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken) };
                response.Content[ContentType] = media;
            }

            var list = group.ToList();
            if (list.Count == 1)
            {
                media.Example = Node(list[0], json);
                continue;
            }

            media.Examples = list.Select((p, i) => (p, i)).ToDictionary(x => $"example{x.i + 1}",
                x => (IOpenApiExample)new OpenApiExample { Summary = x.p.Detail, Value = Node(x.p, json) });
        }
    }

    private static JsonNode? Node(ProblemDetails problem, JsonSerializerOptions json) =>
        JsonSerializer.SerializeToNode(problem, problem.GetType(), json);
}
