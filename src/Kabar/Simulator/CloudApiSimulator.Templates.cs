using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kabar.Notifications;
using Kabar.WhatsApp;
using static Kabar.Common.JsonText;

namespace Kabar.Simulator;

public sealed partial class CloudApiSimulator
{
    /// <summary>A page of templates: <paramref name="after"/> is the cursor of the previous page.</summary>
    public (IReadOnlyList<SimTemplate> Page, string? After) GetTemplates(int limit, string? after)
    {
        var all = Templates;
        var start = 0;
        if (after is not null && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            start = Math.Clamp(index, 0, all.Count);
        }

        var page = all.Skip(start).Take(Math.Min(limit, options.MaxTemplatesPerPage)).ToList();
        var end = start + page.Count;
        return (page, end < all.Count ? end.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Changes a template's status and posts <c>message_template_status_update</c>; false when it does not exist.</summary>
    public bool SetTemplateStatus(string name, string language, string status)
    {
        var template = FindTemplate(name, language);
        if (template is null)
        {
            return false;
        }

        status = status.ToUpperInvariant();
        string before;
        lock (faultsGate)
        {
            before = template.Status;
            template.Status = status;
        }

        // Approval of a template under review is APPROVED; of a paused or disabled one, REINSTATED.
        PostTemplateStatus(template, status == "APPROVED" && before is not ("PENDING" or "REJECTED") ? "REINSTATED" : status);
        return true;
    }

    /// <summary>Posts <c>message_template_status_update</c> with <paramref name="event"/> for the template.</summary>
    private void PostTemplateStatus(SimTemplate template, string @event) =>
        webhooks.Schedule(new WebhookItem("message_template_status_update", null, new JsonObject
        {
            ["event"] = @event,
            ["message_template_id"] = long.Parse(template.Id, CultureInfo.InvariantCulture),
            ["message_template_name"] = template.Name,
            ["message_template_language"] = template.Language,
            ["reason"] = "NONE",
            ["message_template_category"] = template.Category,
        }), time.GetUtcNow());

    private SimTemplate? FindTemplate(string name, string language)
    {
        lock (faultsGate)
        {
            return templates.FirstOrDefault(t => t.Name == name && t.Language == language);
        }
    }

    /// <summary>A new account has no templates; the sandbox has the catalog's, approved.</summary>
    private List<SimTemplate> StartingTemplates() => options.NewAccount ? [] : SeedTemplates(catalog);

    /// <summary>The catalog's templates, all APPROVED: the sandbox's business account is ready to send.</summary>
    private static List<SimTemplate> SeedTemplates(TemplateCatalog catalog)
    {
        var list = new List<SimTemplate>();
        var id = 1_100_000_000_000_000L;
        foreach (var template in catalog.Templates)
        {
            foreach (var (language, text) in template.Languages)
            {
                var format = template.Named ? "NAMED" : "POSITIONAL";
                list.Add(new SimTemplate
                {
                    Id = (++id).ToString(CultureInfo.InvariantCulture),
                    Name = template.Name,
                    Language = language,
                    Category = template.Category,
                    ParameterFormat = format,
                    BodyText = text.Body,
                    Footer = text.Footer,
                    ParameterCount = CloudApiClient.BodyParameterNames(text.Body, format).Count,
                    ParameterNames = CloudApiClient.BodyParameterNames(text.Body, format),
                });
            }
        }

        return list;
    }

    private static List<string> BodyParameters(JsonElement template)
    {
        var result = new List<string>();
        if (!template.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var component in components.EnumerateArray())
        {
            if (string.Equals(StringOf(component, "type"), "body", StringComparison.OrdinalIgnoreCase)
                && component.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Array)
            {
                result.AddRange(ps.EnumerateArray().Select(p => StringOf(p, "text") ?? ""));
            }
        }

        return result;
    }
}
