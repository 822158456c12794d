using Kabar.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kabar.Operations;

/// <summary>Marks each API-key endpoint with the scheme and the 401/403 answers it can give.</summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!OperationsExtensions.RequiresApiKey(metadata))
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.SchemeName, context.Document)] = [],
        });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid API key." });
        var write = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any(a => a.Policy == ApiAuth.WritePolicy);
        operation.Responses.TryAdd("403", new OpenApiResponse
        {
            Description = write ? "The API key has no write right." : "The API key has no read right.",
        });
        return Task.CompletedTask;
    }
}
