using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kabar.Operations;

/// <summary>Names the document and declares the API key as an HTTP bearer scheme (SPEC §13).</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Kabar API";
        document.Info.Description = "Notifications of the permit office on WhatsApp, with SMS and e-mail fallback. "
            + "Every /api endpoint needs `Authorization: Bearer <api key>`: 401 without a valid key, 403 for a read-only key on a write.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A Kabar API key (Kabar:Api:Keys), sent as a bearer token.",
        };
        return Task.CompletedTask;
    }
}
