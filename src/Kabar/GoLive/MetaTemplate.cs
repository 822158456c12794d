using System.Text.Json;
using Kabar.Common;

namespace Kabar.GoLive;

/// <summary>A template as <c>GET /{waba-id}/message_templates</c> returns it, with what the check compares.</summary>
internal sealed record MetaTemplate(string Id, string Name, string Language, string Status, string Category, string ParameterFormat,
    string? Body, string? Footer, string? Quality, string? RejectedReason)
{
    public const string Fields = "id,name,language,status,category,parameter_format,components,quality_score,rejected_reason";

    public static MetaTemplate Read(JsonElement t)
    {
        string? body = null, footer = null;
        if (t.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in components.EnumerateArray())
            {
                switch (JsonText.StringOf(c, "type")?.ToUpperInvariant())
                {
                    case "BODY":
                        body = JsonText.StringOf(c, "text");
                        break;
                    case "FOOTER":
                        footer = JsonText.StringOf(c, "text");
                        break;
                }
            }
        }

        var quality = t.TryGetProperty("quality_score", out var q) ? JsonText.StringOf(q, "score") : null;
        return new MetaTemplate(JsonText.StringOrNumberOf(t, "id") ?? "", JsonText.StringOf(t, "name") ?? "", JsonText.StringOf(t, "language") ?? "",
            JsonText.StringOf(t, "status") ?? "", JsonText.StringOf(t, "category") ?? "", JsonText.StringOf(t, "parameter_format") ?? "POSITIONAL",
            body, footer, quality, JsonText.StringOf(t, "rejected_reason"));
    }

    /// <summary>The body's placeholders, without braces, once each in order of appearance.</summary>
    public IReadOnlyList<string> Parameters => [.. Notifications.TemplateRules.Placeholders(Body ?? "").Distinct(StringComparer.Ordinal)];
}
