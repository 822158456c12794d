using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Kabar.SiCantik;

/// <summary>
/// Reads a SiCantik answer, JSON or XML, into rows of string fields (docs/sicantik.md). Every value
/// is a string on the wire (a number is read as its text, <c>null</c> and an empty element as
/// null); an object with <c>error</c> is the server's message. The XML is read as the server writes
/// it: <c>&lt;xml&gt;&lt;item&gt;…</c>, with HTML entities such as <c>&amp;eacute;</c> that XML does not know.
/// </summary>
internal static partial class SiCantikBody
{
    private static readonly string[] XmlEntities = ["amp", "lt", "gt", "quot", "apos"];

    /// <summary>The rows, or the server's error text; <see cref="FormatException"/> when the body is neither.</summary>
    public static (List<Dictionary<string, string?>> Rows, string? Error) Read(string body)
    {
        var text = body.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (text.IsEmpty)
        {
            return ([], null);
        }

        return text[0] == '<' ? ReadXml(text.ToString()) : ReadJson(text.ToString());
    }

    private static (List<Dictionary<string, string?>>, string?) ReadJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Array:
                    return (root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Row).ToList(), null);
                case JsonValueKind.Object when root.TryGetProperty("error", out var error):
                    return ([], Value(error) ?? "");
                case JsonValueKind.Object:
                    return ([Row(root)], null);
                default:
                    throw new FormatException($"a JSON {root.ValueKind.ToString().ToLowerInvariant()} where a list of rows was expected");
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("unreadable JSON: " + ex.Message, ex);
        }
    }

    private static Dictionary<string, string?> Row(JsonElement item)
    {
        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in item.EnumerateObject())
        {
            row[field.Name] = Value(field.Value);
        }

        return row;
    }

    private static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };

    private static (List<Dictionary<string, string?>>, string?) ReadXml(string text)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(HtmlEntities().Replace(text, ToCharacterReference)), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException("unreadable XML: " + ex.Message, ex);
        }

        var root = document.Root!;
        if (root.Element("error") is { } error)
        {
            return ([], error.Value);
        }

        var rows = root.Elements("item")
            .Select(item => item.Elements().GroupBy(f => f.Name.LocalName, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value is { Length: > 0 } v ? v : null, StringComparer.Ordinal))
            .ToList();
        return (rows, null);
    }

    /// <summary>An HTML named entity (the server writes <c>&amp;eacute;</c>) as the numeric reference XML reads.</summary>
    private static string ToCharacterReference(Match m)
    {
        var name = m.Groups[1].Value;
        if (XmlEntities.Contains(name, StringComparer.Ordinal))
        {
            return m.Value;
        }

        var decoded = WebUtility.HtmlDecode(m.Value);
        if (decoded == m.Value)
        {
            return m.Value; // not an HTML entity either: the XML reader names it
        }

        var result = new StringBuilder();
        foreach (var rune in decoded.EnumerateRunes())
        {
            result.Append(CultureInfo.InvariantCulture, $"&#x{rune.Value:X};");
        }

        return result.ToString();
    }

    [GeneratedRegex("&([A-Za-z][A-Za-z0-9]{1,31});")]
    private static partial Regex HtmlEntities();
}
