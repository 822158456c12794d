using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Kabar.Common.JsonText;

namespace Kabar.Simulator;

/// <summary>
/// <c>POST /{waba-id}/message_templates</c>: the checks Meta makes before it accepts a template for
/// review, its error shapes (code 100 with <c>error_subcode</c>, <c>error_user_title</c> and
/// <c>error_user_msg</c>), and the review itself: PENDING, then APPROVED after
/// <c>Kabar:Simulator:TemplateReviewDelay</c> with a <c>message_template_status_update</c> webhook.
/// Template management: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management
/// </summary>
public sealed partial class CloudApiSimulator
{
    private const int MaxNameLength = 512;
    private const int MaxBodyLength = 1024;
    private const int MaxFooterLength = 60;

    private static readonly string[] Categories = ["AUTHENTICATION", "MARKETING", "UTILITY"];
    private static readonly string[] ParameterFormats = ["NAMED", "POSITIONAL"];

    // Meta's supported template languages (Supported languages reference), with the names its
    // "already exists" message uses for the ones Kabar writes in.
    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.Ordinal)
    {
        ["id"] = "Indonesian",
        ["en"] = "English",
        ["en_US"] = "English (US)",
        ["en_GB"] = "English (UK)",
        ["ms"] = "Malay",
        ["ar"] = "Arabic",
        ["zh_CN"] = "Chinese (CHN)",
    };

    private static readonly HashSet<string> Languages = new(StringComparer.Ordinal)
    {
        "af", "sq", "ar", "az", "bn", "bg", "ca", "zh_CN", "zh_HK", "zh_TW", "hr", "cs", "da", "nl", "en", "en_GB", "en_US",
        "et", "fil", "fi", "fr", "ka", "de", "el", "gu", "ha", "he", "hi", "hu", "id", "ga", "it", "ja", "kn", "kk", "rw_RW",
        "ko", "ky_KG", "lo", "lv", "lt", "mk", "ms", "ml", "mr", "nb", "fa", "pl", "pt_BR", "pt_PT", "pa", "ro", "ru", "sr",
        "sk", "sl", "es", "es_AR", "es_ES", "es_MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi", "zu",
    };

    private readonly List<ITimer> reviews = [];
    private long nextTemplateId = 1_200_000_000_000_000L;

    /// <summary>Validates a template as Meta does and, when it passes, stores it PENDING and starts its review.</summary>
    internal (JsonObject? Created, GraphError? Error) CreateTemplate(JsonElement body)
    {
        if (ReadTemplateRequest(body) is { } error)
        {
            return (null, error);
        }

        var name = StringOf(body, "name")!;
        var language = StringOf(body, "language")!;
        var category = StringOf(body, "category")!.ToUpperInvariant();
        var format = (StringOf(body, "parameter_format") ?? "POSITIONAL").ToUpperInvariant();
        var components = body.GetProperty("components").EnumerateArray().ToList();
        var bodyText = StringOf(Component(components, "BODY")!.Value, "text")!;
        var footer = Component(components, "FOOTER") is { } f ? StringOf(f, "text") : null;
        var names = PlaceholderNames(bodyText, format);
        SimTemplate template;
        lock (faultsGate)
        {
            if (templates.Any(t => t.Name == name && t.Language == language))
            {
                var languageName = LanguageNames.GetValueOrDefault(language, language);
                return (null, TemplateError(2388024, "Content in This Language Already Exists",
                    $"There is already {languageName} content for this template. You can create a new template and try again."));
            }

            template = new SimTemplate
            {
                Id = (++nextTemplateId).ToString(CultureInfo.InvariantCulture),
                Name = name,
                Language = language,
                Category = category,
                ParameterFormat = format,
                BodyText = bodyText,
                Footer = footer,
                ParameterCount = names.Count,
                ParameterNames = names,
                Status = "PENDING",
            };
            templates.Add(template);
        }

        ScheduleReview(template);
        return (new JsonObject { ["id"] = template.Id, ["status"] = "PENDING", ["category"] = category }, null);
    }

    /// <summary>The first thing wrong with the request, in the order Meta checks; null when nothing is.</summary>
    private static GraphError? ReadTemplateRequest(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Management("(#100) Invalid parameter");
        }

        var name = StringOf(body, "name");
        if (string.IsNullOrEmpty(name))
        {
            return Management("(#100) The parameter name is required.");
        }

        if (name.Length > MaxNameLength || !TemplateName().IsMatch(name))
        {
            return TemplateError(null, "Invalid template name",
                $"The name \"{name}\" is not valid: use only lowercase letters, digits and underscores, at most {MaxNameLength} characters.");
        }

        var language = StringOf(body, "language");
        if (string.IsNullOrEmpty(language))
        {
            return Management("(#100) The parameter language is required.");
        }

        if (!Languages.Contains(language))
        {
            return TemplateError(null, "Language not supported", $"The language code \"{language}\" is not one WhatsApp supports for templates.");
        }

        if (StringOf(body, "category") is not { } category)
        {
            return Management("(#100) The parameter category is required.");
        }

        if (!Categories.Contains(category.ToUpperInvariant()))
        {
            return Management($"(#100) Param category must be one of {{{string.Join(", ", Categories)}}} - got \"{category}\".");
        }

        var format = StringOf(body, "parameter_format") ?? "POSITIONAL";
        if (!ParameterFormats.Contains(format.ToUpperInvariant()))
        {
            return Management($"(#100) Param parameter_format must be one of {{{string.Join(", ", ParameterFormats)}}} - got \"{format}\".");
        }

        if (!body.TryGetProperty("components", out var c) || c.ValueKind != JsonValueKind.Array)
        {
            return Management("(#100) The parameter components is required.");
        }

        var components = c.EnumerateArray().ToList();
        return CheckBody(Component(components, "BODY"), format.ToUpperInvariant()) ?? CheckFooter(Component(components, "FOOTER"));
    }

    private static GraphError? CheckBody(JsonElement? component, string format)
    {
        var text = component is { } b ? StringOf(b, "text") : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return TemplateError(2388072, "Message Body Is Required", "A template needs a BODY component with text.");
        }

        if (text.Length > MaxBodyLength)
        {
            return TemplateError(2388040, "Field Character Limit Exceeded",
                $"The body has {text.Length} characters; it may have at most {MaxBodyLength}.");
        }

        var placeholders = Placeholders().Matches(text).Select(m => m.Groups[1].Value).ToList();
        if (placeholders.Count == 0)
        {
            return null;
        }

        if (format == "POSITIONAL")
        {
            var numbers = placeholders.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : 0).ToList();
            var distinct = numbers.Distinct().Order().ToList();
            if (numbers.Contains(0) || !distinct.SequenceEqual(Enumerable.Range(1, distinct.Count)))
            {
                return TemplateError(2388072, "Message Body Format Incorrect",
                    "Variables must be numbered {{1}}, {{2}}, {{3}}… in sequence, without gaps.");
            }
        }
        else if (placeholders.Any(p => !NamedParameter().IsMatch(p)))
        {
            return TemplateError(2388072, "Message Body Format Incorrect",
                "Named variables may contain only lowercase letters, digits and underscores, and begin with a letter.");
        }

        // Meta ignores surrounding punctuation: "… pada {{4}}." still ends with a variable.
        var trimmed = text.Trim().Trim(".,;:!?()\"'-–— \n\t".ToCharArray());
        if (trimmed.StartsWith("{{", StringComparison.Ordinal) || trimmed.EndsWith("}}", StringComparison.Ordinal))
        {
            return TemplateError(2388299, "Variables can't be at the start or end of the template",
                "Variables can't be at the start or end of the template.");
        }

        if (AdjacentPlaceholders().IsMatch(text))
        {
            return TemplateError(2388072, "Message Body Format Incorrect",
                "Two variables are next to each other; put text between them.");
        }

        if (MissingExamples(component!.Value, placeholders, format) is { } missing)
        {
            return missing;
        }

        // Meta does not publish its ratio; a body needs at least 2n + 1 words of its own for n variables
        // (the rule other integrations found empirically). Words are tokens holding a letter or digit.
        var n = placeholders.Distinct(StringComparer.Ordinal).Count();
        var words = Placeholders().Replace(text, " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Count(w => w.Any(char.IsLetterOrDigit));
        return words < 2 * n + 1
            ? TemplateError(2388293, "Too Many Variables For Length",
                "This template contains too many variable parameters relative to the message length. You need to decrease the number of variable parameters or increase the message length.")
            : null;
    }

    private static GraphError? MissingExamples(JsonElement component, List<string> placeholders, string format)
    {
        var example = component.TryGetProperty("example", out var e) && e.ValueKind == JsonValueKind.Object ? e : (JsonElement?)null;
        bool complete;
        if (format == "POSITIONAL")
        {
            var n = placeholders.Distinct(StringComparer.Ordinal).Count();
            var row = example is { } x && x.TryGetProperty("body_text", out var rows) && rows.ValueKind == JsonValueKind.Array
                && rows.GetArrayLength() > 0 && rows[0].ValueKind == JsonValueKind.Array
                ? rows[0].EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList()
                : [];
            complete = row.Count >= n && row.Take(n).All(v => !string.IsNullOrWhiteSpace(v));
        }
        else
        {
            var given = example is { } x && x.TryGetProperty("body_text_named_params", out var ps) && ps.ValueKind == JsonValueKind.Array
                ? ps.EnumerateArray().Where(p => !string.IsNullOrWhiteSpace(StringOf(p, "example"))).Select(p => StringOf(p, "param_name")).ToHashSet(StringComparer.Ordinal)
                : [];
            complete = placeholders.All(given.Contains);
        }

        return complete
            ? null
            : TemplateError(2388043, "Missing Sample Values",
                "Every variable in the body needs an example value (example.body_text, or example.body_text_named_params for NAMED).");
    }

    private static GraphError? CheckFooter(JsonElement? component)
    {
        var text = component is { } f ? StringOf(f, "text") : null;
        if (text is null)
        {
            return null;
        }

        if (text.Length > MaxFooterLength)
        {
            return TemplateError(2388040, "Field Character Limit Exceeded",
                $"The footer has {text.Length} characters; it may have at most {MaxFooterLength}.");
        }

        return Placeholders().IsMatch(text)
            ? TemplateError(2388073, "Message Footer Format Incorrect", "A footer can't contain variables.")
            : null;
    }

    private static JsonElement? Component(List<JsonElement> components, string type) =>
        components.Where(c => c.ValueKind == JsonValueKind.Object && string.Equals(StringOf(c, "type"), type, StringComparison.OrdinalIgnoreCase))
            .Select(c => (JsonElement?)c).FirstOrDefault();

    private static List<string> PlaceholderNames(string bodyText, string format)
    {
        var names = Placeholders().Matches(bodyText).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        return format == "NAMED"
            ? names
            : Enumerable.Range(1, names.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Meta's template errors: code 100, HTTP 400, "Invalid parameter", with the title and text WhatsApp Manager shows.</summary>
    private static GraphError TemplateError(int? subcode, string title, string message) =>
        new(100, 400, "Invalid parameter", message) { Subcode = subcode, UserTitle = title, UserMessage = message, MessagingData = false };

    private static GraphError Management(string message) => new(100, 400, message, null) { MessagingData = false };

    private void ScheduleReview(SimTemplate template)
    {
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            FinishReview(template);
            lock (faultsGate)
            {
                reviews.Remove(timer!);
            }

            timer!.Dispose();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (faultsGate)
        {
            // Held here: an unreferenced timer may be collected before it fires.
            reviews.Add(timer);
        }

        timer.Change(options.TemplateReviewDelay, Timeout.InfiniteTimeSpan);
    }

    private void FinishReview(SimTemplate template)
    {
        lock (faultsGate)
        {
            if (!templates.Contains(template) || template.Status != "PENDING")
            {
                return; // reset, or decided through the control API meanwhile
            }

            template.Status = "APPROVED";
        }

        PostTemplateStatus(template, "APPROVED");
    }

    private void StopReviews()
    {
        lock (faultsGate)
        {
            foreach (var timer in reviews)
            {
                timer.Dispose();
            }

            reviews.Clear();
        }
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex TemplateName();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamedParameter();

    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}")]
    private static partial Regex Placeholders();

    [GeneratedRegex(@"\}\}\s*\{\{")]
    private static partial Regex AdjacentPlaceholders();
}
