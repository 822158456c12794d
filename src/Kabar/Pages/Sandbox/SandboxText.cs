using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Kabar.Pages.Sandbox;

/// <summary>How the sandbox phone shows message text: links are tappable, everything else is plain text.</summary>
internal static partial class SandboxText
{
    private static readonly char[] TrailingPunctuation = ['.', ',', ';', ':', '!', '?', ')', ']', '\'', '"'];

    /// <summary>
    /// The text HTML-encoded, with each http(s) URL turned into a same-tab anchor: SMS and e-mail
    /// carry the opt-in and stop links (SPEC §8), and tapping them is the point of the sandbox.
    /// A sentence's closing full stop or bracket is left outside the link.
    /// </summary>
    public static IHtmlContent Linkify(string? text)
    {
        var html = new HtmlContentBuilder();
        if (string.IsNullOrEmpty(text))
        {
            return html;
        }

        var last = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            var url = match.Value.TrimEnd(TrailingPunctuation);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                continue;
            }

            html.Append(text[last..match.Index]);
            html.AppendHtml("<a href=\"" + HtmlEncoder.Default.Encode(url) + "\">");
            html.Append(url);
            html.AppendHtml("</a>");
            last = match.Index + url.Length;
        }

        html.Append(text[last..]);
        return html;
    }

    /// <summary>A template body as the phone shows it: <c>{{1}}</c>… replaced by the parameters sent.</summary>
    public static string RenderTemplate(string body, IReadOnlyList<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(parameters);
        return Placeholder().Replace(body, m =>
            int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= parameters.Count
                ? parameters[n - 1]
                : m.Value);
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"\{\{\s*(\d+)\s*\}\}")]
    private static partial Regex Placeholder();
}
