using System.Globalization;
using System.Text;

namespace Kabar.Simulator;

/// <summary>
/// SiCantik's two wire formats, byte for byte as its old REST_Controller writes them: PHP's
/// <c>json_encode</c> with default flags, and SimpleXML over <c>htmlentities</c> values — which
/// leaves HTML named entities such as <c>&amp;eacute;</c> in the output, so the XML is not well-formed.
/// </summary>
internal static class SiCantikWire
{
    public const string XmlType = "application/xml";
    public const string JsonType = "application/json";

    private static readonly Dictionary<int, string> Named = BuildNamed();

    /// <summary>
    /// The format REST_Controller picks: a file extension on the last argument, then the <c>format</c>
    /// argument, then the Accept header (<c>xml</c> only without <c>html</c> and the other way round,
    /// so a browser's header falls through), then XML. Formats other than JSON are answered as XML.
    /// </summary>
    public static bool WantsJson(string? extension, string? format, string? accept)
    {
        if (extension is not null)
        {
            return extension == "json";
        }

        if (format is not null)
        {
            return format == "json";
        }

        if (string.IsNullOrEmpty(accept))
        {
            return false;
        }

        foreach (var name in (string[])["xml", "rawxml", "json", "serialize", "php", "html", "csv"])
        {
            if (!accept.Contains(name, StringComparison.Ordinal)
                || (name == "xml" && accept.Contains("html", StringComparison.Ordinal))
                || (name == "html" && accept.Contains("xml", StringComparison.Ordinal)))
            {
                continue;
            }

            return name == "json";
        }

        return false;
    }

    /// <summary>A row list is a JSON array of objects; a single row (the error) is one object.</summary>
    public static string Json(object body)
    {
        var text = new StringBuilder();
        if (body is SiCantikRow single)
        {
            JsonObject(text, single);
        }
        else
        {
            text.Append('[');
            var first = true;
            foreach (var row in (IEnumerable<SiCantikRow>)body)
            {
                text.Append(first ? "" : ",");
                first = false;
                JsonObject(text, row);
            }

            text.Append(']');
        }

        return text.ToString();
    }

    public static string Xml(object body)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<xml>");
        if (body is SiCantikRow single)
        {
            XmlFields(text, single);
        }
        else
        {
            foreach (var row in (IEnumerable<SiCantikRow>)body)
            {
                text.Append("<item>");
                XmlFields(text, row);
                text.Append("</item>");
            }
        }

        return text.Append("</xml>\n").ToString();
    }

    private static void JsonObject(StringBuilder text, SiCantikRow row)
    {
        text.Append('{');
        for (var i = 0; i < row.Count; i++)
        {
            text.Append(i == 0 ? "" : ",");
            JsonString(text, row[i].Key);
            text.Append(':');
            switch (row[i].Value)
            {
                case null:
                    text.Append("null");
                    break;
                case int n:
                    text.Append(n.ToString(CultureInfo.InvariantCulture));
                    break;
                case var v:
                    JsonString(text, Convert.ToString(v, CultureInfo.InvariantCulture)!);
                    break;
            }
        }

        text.Append('}');
    }

    /// <summary>PHP's default escaping: <c>\/</c>, and every non-ASCII UTF-16 unit as lower-case <c>\uXXXX</c>.</summary>
    private static void JsonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '/' => "\\/",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or > '\u007f' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        text.Append('"');
    }

    private static void XmlFields(StringBuilder text, SiCantikRow row)
    {
        foreach (var (key, value) in row)
        {
            var content = value is null ? "" : Convert.ToString(value, CultureInfo.InvariantCulture)!;
            if (content.Length == 0)
            {
                text.Append('<').Append(key).Append("/>");
                continue;
            }

            text.Append('<').Append(key).Append('>');
            Entities(text, content);
            text.Append("</").Append(key).Append('>');
        }
    }

    /// <summary><c>htmlentities($v, ENT_NOQUOTES, "UTF-8")</c>; a character without an HTML name is written as a numeric reference.</summary>
    private static void Entities(StringBuilder text, string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            var code = rune.Value;
            _ = code switch
            {
                '&' => text.Append("&amp;"),
                '<' => text.Append("&lt;"),
                '>' => text.Append("&gt;"),
                < 0x80 => text.Append((char)code),
                _ when Named.TryGetValue(code, out var name) => text.Append('&').Append(name).Append(';'),
                _ => text.Append("&#").Append(code.ToString(CultureInfo.InvariantCulture)).Append(';'),
            };
        }
    }

    private static Dictionary<int, string> BuildNamed()
    {
        // HTML 4.01's Latin-1 names, U+00A0 to U+00FF in order, then the special and symbol names Indonesian text meets.
        const string Latin1 = "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute "
            + "micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave "
            + "Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml "
            + "Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth "
            + "ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
        var named = Latin1.Split(' ').Select((name, i) => (Code: 0xA0 + i, Name: name)).ToDictionary(x => x.Code, x => x.Name);
        foreach (var (code, name) in (ReadOnlySpan<(int, string)>)
        [
            (338, "OElig"), (339, "oelig"), (352, "Scaron"), (353, "scaron"), (376, "Yuml"), (402, "fnof"), (710, "circ"), (732, "tilde"),
            (8211, "ndash"), (8212, "mdash"), (8216, "lsquo"), (8217, "rsquo"), (8218, "sbquo"), (8220, "ldquo"), (8221, "rdquo"),
            (8222, "bdquo"), (8224, "dagger"), (8225, "Dagger"), (8226, "bull"), (8230, "hellip"), (8240, "permil"), (8242, "prime"),
            (8243, "Prime"), (8249, "lsaquo"), (8250, "rsaquo"), (8364, "euro"), (8482, "trade"),
        ])
        {
            named[code] = name;
        }

        return named;
    }
}
