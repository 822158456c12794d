using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>Start-up refuses a template catalog with problems, naming each (the file, the type, the language, what to change).</summary>
internal sealed class TemplateCatalogValidation(TemplateCatalog catalog) : IValidateOptions<WhatsAppOptions>
{
    public ValidateOptionsResult Validate(string? name, WhatsAppOptions options) =>
        catalog.Problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(catalog.Problems.Select(p => $"Kabar:WhatsApp:TemplateCatalog ({catalog.Path}): {p}"));
}
