using System.Text.RegularExpressions;

namespace Kabar.Notifications;

/// <summary>
/// Meta's published rules for a template's name, body and footer (WhatsApp Business Platform,
/// "Message templates"): what makes Meta refuse or reject a template, checked before it is sent
/// there. Each problem is one sentence saying what to change.
/// </summary>
public static partial class TemplateRules
{
    public const int MaxBody = 1024;
    public const int MaxFooter = 60;
    public const int MaxName = 512;

    public static readonly IReadOnlyList<string> Categories = ["UTILITY", "MARKETING", "AUTHENTICATION"];

    /// <summary>The placeholders of a text, in order of appearance, without their braces.</summary>
    public static IReadOnlyList<string> Placeholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value.Trim())];

    public static IEnumerable<string> Name(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            yield return $"the name '{name}' may hold only lowercase letters, digits and underscores, at most {MaxName} characters";
        }
    }

    /// <summary>
    /// The problems of one language of a template whose body must carry exactly
    /// <paramref name="parameters"/>: as <c>{{1}}</c>…<c>{{n}}</c> in that order, or by name when <paramref name="named"/>.
    /// </summary>
    public static IEnumerable<string> Text(CatalogText text, IReadOnlyList<string> parameters, bool named)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(parameters);
        var body = text.Body ?? "";
        if (body.Trim().Length == 0)
        {
            yield return "the body is empty";
            yield break;
        }

        if (body.Length > MaxBody)
        {
            yield return $"the body has {body.Length} characters; Meta allows at most {MaxBody}";
        }

        var matches = Placeholder().Matches(body);
        var distinct = matches.Select(m => m.Groups[1].Value.Trim()).Distinct(StringComparer.Ordinal).ToList();
        foreach (var problem in Numbering(distinct, parameters, named).Concat(Layout(body, matches, distinct.Count))
                     .Concat(Examples(text.Examples ?? [], distinct.Count)).Concat(Footer(text.Footer)))
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> Numbering(List<string> distinct, IReadOnlyList<string> parameters, bool named)
    {
        if (named)
        {
            foreach (var bad in distinct.Where(p => !NamedPattern().IsMatch(p)))
            {
                yield return $"the placeholder {{{{{bad}}}}} is not a name of lowercase letters, digits and underscores";
            }

            var missing = parameters.Except(distinct, StringComparer.Ordinal).ToList();
            var extra = distinct.Except(parameters, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                yield return $"the body lacks {string.Join(", ", missing.Select(p => $"{{{{{p}}}}}"))}; Kabar sends {string.Join(", ", parameters)}";
            }

            if (extra.Count > 0)
            {
                yield return $"the body has {string.Join(", ", extra.Select(p => $"{{{{{p}}}}}"))}, which Kabar does not send; it sends {string.Join(", ", parameters)}";
            }

            yield break;
        }

        var expected = Enumerable.Range(1, parameters.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (!distinct.SequenceEqual(expected, StringComparer.Ordinal))
        {
            yield return parameters.Count == 0
                ? "the body has placeholders, but Kabar sends no parameters for this type"
                : $"the placeholders must be {{{{1}}}} to {{{{{parameters.Count}}}}}, each first used in that order, for {string.Join(", ", parameters)}; "
                  + $"the body has {(distinct.Count == 0 ? "none" : string.Join(", ", distinct.Select(p => $"{{{{{p}}}}}")))}";
        }
    }

    /// <summary>Where the placeholders stand, and how many words surround them.</summary>
    private static IEnumerable<string> Layout(string body, MatchCollection matches, int count)
    {
        if (matches.Count == 0)
        {
            yield break;
        }

        if (body[..matches[0].Index].Trim().Length == 0)
        {
            yield return "the body starts with a placeholder; Meta rejects that: put words before it";
        }

        var last = matches[^1];
        if (!body[(last.Index + last.Length)..].Any(char.IsLetterOrDigit))
        {
            yield return "the body ends with a placeholder (punctuation after it does not count); Meta rejects that: put words after it";
        }

        for (var i = 1; i < matches.Count; i++)
        {
            var start = matches[i - 1].Index + matches[i - 1].Length;
            if (!body[start..matches[i].Index].Any(char.IsLetterOrDigit))
            {
                yield return $"{matches[i - 1].Value} and {matches[i].Value} stand side by side; Meta rejects that: put a word between them";
            }
        }

        var words = Placeholder().Replace(body, " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Count(w => w.Any(char.IsLetterOrDigit));
        var needed = (2 * count) + 1;
        if (words < needed)
        {
            yield return $"the body has {count} placeholders but only {words} other words; Meta rejects templates with too many "
                + $"placeholders for their length: write at least {needed} words besides the placeholders";
        }
    }

    private static IEnumerable<string> Examples(IReadOnlyList<string> examples, int count)
    {
        if (examples.Count != count)
        {
            yield return $"{examples.Count} example value(s) for {count} placeholder(s); Meta needs one example per placeholder";
        }

        for (var i = 0; i < examples.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(examples[i]))
            {
                yield return $"example {i + 1} is empty";
            }
            else if (examples[i].IndexOfAny(['\n', '\r', '\t']) >= 0 || examples[i].Contains("    ", StringComparison.Ordinal))
            {
                yield return $"example {i + 1} has a line break, a tab or four spaces in a row, which Meta refuses in a parameter";
            }
        }
    }

    private static IEnumerable<string> Footer(string? footer)
    {
        if (footer is null)
        {
            yield break;
        }

        if (footer.Length > MaxFooter)
        {
            yield return $"the footer has {footer.Length} characters; Meta allows at most {MaxFooter}";
        }

        if (Placeholder().IsMatch(footer))
        {
            yield return "the footer has a placeholder; Meta allows none there";
        }
    }

    [GeneratedRegex(@"\{\{([^{}]*)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[a-z0-9_]{1,512}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamedPattern();
}
