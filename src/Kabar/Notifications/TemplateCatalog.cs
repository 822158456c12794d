using System.Text.Json;

namespace Kabar.Notifications;

/// <summary>
/// The office's WhatsApp templates as data (<c>templates/whatsapp-templates.json</c>, shipped beside
/// Kabar; <c>Kabar:WhatsApp:TemplateCatalog</c> points to the office's own copy). Read once, checked
/// against the notification types and Meta's rules (<see cref="TemplateRules"/>): <see cref="Problems"/>
/// lists what is wrong, one line each, and start-up refuses a catalog with problems.
/// </summary>
public sealed class TemplateCatalog
{
    /// <summary>The shipped file, relative to Kabar's folder.</summary>
    public const string ShippedFile = "templates/whatsapp-templates.json";

    /// <summary>The languages a template may be written in: those of Kabar's contacts.</summary>
    public static readonly IReadOnlyList<string> Languages = ["id", "en"];

    private static readonly Lazy<TemplateCatalog> Shipped = new(() =>
        Load(System.IO.Path.Combine(AppContext.BaseDirectory, ShippedFile), _ => (null, false)));

    private readonly Dictionary<string, CatalogTemplate> byType;

    private TemplateCatalog(string path, IReadOnlyList<CatalogTemplate> templates, IReadOnlyList<string> problems)
    {
        Path = path;
        Templates = templates;
        Problems = problems;
        byType = templates.ToDictionary(t => t.Type, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>In the order of <see cref="NotificationCatalog.All"/>.</summary>
    public IReadOnlyList<CatalogTemplate> Templates { get; }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>The catalog shipped with Kabar, with each type's default name and positional parameters.</summary>
    public static TemplateCatalog Default => Shipped.Value;

    public CatalogTemplate? For(string type) => byType.GetValueOrDefault(type);

    /// <summary>
    /// Where the catalog is: an absolute path as given; a relative one under the content root when
    /// it exists there, else beside Kabar; by default the shipped file.
    /// </summary>
    public static string Resolve(string? configured, string contentRoot)
    {
        var path = string.IsNullOrWhiteSpace(configured) ? ShippedFile : configured;
        if (System.IO.Path.IsPathRooted(path))
        {
            return path;
        }

        var underRoot = System.IO.Path.Combine(contentRoot, path);
        return File.Exists(underRoot) ? underRoot : System.IO.Path.Combine(AppContext.BaseDirectory, path);
    }

    /// <summary>
    /// Reads and checks the file. <paramref name="mapping"/> gives a type's configured template name
    /// (null: the type's own) and whether its parameters are named. Never throws for a bad file.
    /// </summary>
    public static TemplateCatalog Load(string path, Func<string, (string? Name, bool Named)> mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var problems = new List<string>();
        var templates = new List<CatalogTemplate>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new TemplateCatalog(path, [], [$"{path}: cannot be read: {ex.Message}"]);
        }
        catch (JsonException ex)
        {
            return new TemplateCatalog(path, [], [$"{path}: not valid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("templates", out var all) || all.ValueKind != JsonValueKind.Object)
            {
                return new TemplateCatalog(path, [], [$"{path}: needs an object \"templates\" with one entry per notification type ({NotificationCatalog.Names})"]);
            }

            foreach (var entry in all.EnumerateObject().Where(e => NotificationCatalog.Find(e.Name) is null))
            {
                problems.Add($"templates.{entry.Name}: no such notification type; the types are {NotificationCatalog.Names}");
            }

            foreach (var type in NotificationCatalog.All)
            {
                if (!all.TryGetProperty(type.Name, out var entry) || entry.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"templates.{type.Name}: missing; every notification type needs its WhatsApp template");
                    continue;
                }

                var (configuredName, named) = mapping(type.Name);
                var name = string.IsNullOrWhiteSpace(configuredName) ? type.Name : configuredName;
                var template = ReadTemplate(type, name, named, entry, problems);
                if (template is not null)
                {
                    templates.Add(template);
                }
            }
        }

        return new TemplateCatalog(path, templates, problems);
    }

    private static CatalogTemplate? ReadTemplate(NotificationType type, string name, bool named, JsonElement entry, List<string> problems)
    {
        var where = $"templates.{type.Name}";
        problems.AddRange(TemplateRules.Name(name).Select(p => $"{where}: {p} (Kabar:Templates:{type.Name}:Name)"));
        var category = entry.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
        var expected = type.Category.ToString().ToUpperInvariant();
        if (!TemplateRules.Categories.Contains(category))
        {
            problems.Add($"{where}.category: '{category}' is not one of {string.Join(", ", TemplateRules.Categories)}; this type is {expected}");
        }
        else if (category != expected)
        {
            problems.Add($"{where}.category: {category}, but Kabar sends {type.Name} as {expected} (its consent and price rules depend on it)");
        }

        if (!entry.TryGetProperty("languages", out var languages) || languages.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}.languages: missing; give the texts by language ({string.Join(", ", Languages)})");
            return null;
        }

        var texts = new Dictionary<string, CatalogText>(StringComparer.Ordinal);
        foreach (var language in languages.EnumerateObject())
        {
            var at = $"{where}.languages.{language.Name}";
            if (!Languages.Contains(language.Name))
            {
                problems.Add($"{at}: Kabar writes to contacts in {string.Join(" and ", Languages)} only");
                continue;
            }

            if (ReadText(language.Value, at, problems) is not { } text)
            {
                continue;
            }

            problems.AddRange(TemplateRules.Text(text, type.Parameters, named).Select(p => $"{at}: {p}"));
            texts[language.Name] = text;
        }

        if (!texts.ContainsKey("id"))
        {
            problems.Add($"{where}.languages.id: missing; every template needs its Indonesian text");
        }

        return new CatalogTemplate(type.Name, name, named, category, texts);
    }

    private static CatalogText? ReadText(JsonElement value, string at, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: an object with body, footer and examples");
            return null;
        }

        if (!value.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{at}.body: missing; the text with {{{{1}}}}… placeholders");
            return null;
        }

        string? footer = null;
        if (value.TryGetProperty("footer", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{at}.footer: a text, or leave it out");
            }
            else
            {
                footer = f.GetString();
            }
        }

        var examples = new List<string>();
        if (value.TryGetProperty("examples", out var e) && e.ValueKind == JsonValueKind.Array)
        {
            examples.AddRange(e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()));
        }
        else if (value.TryGetProperty("examples", out _))
        {
            problems.Add($"{at}.examples: a list of texts, one per placeholder");
        }

        return new CatalogText(body.GetString()!, string.IsNullOrWhiteSpace(footer) ? null : footer, examples);
    }
}
