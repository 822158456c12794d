using System.Globalization;
using System.Text;

namespace Kabar.Admin;

/// <summary>
/// The console's chart library: a daily series drawn as an inline SVG line on the server, so the
/// dashboard needs no script and no outside asset. Days without data (a ratio over nothing) break the line.
/// </summary>
public static class Sparkline
{
    public static string Svg(IReadOnlyList<double?> values, string label)
    {
        const double width = 100, height = 30;
        var max = values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var top = max <= 0 ? 1 : max;
        var step = values.Count > 1 ? width / (values.Count - 1) : width;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(label)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"0\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\"/>");
        var points = new List<string>();
        for (var i = 0; i <= values.Count; i++)
        {
            if (i < values.Count && values[i] is { } v)
            {
                points.Add(string.Create(CultureInfo.InvariantCulture, $"{i * step:0.##},{height - (v / top * (height - 2)) - 1:0.##}"));
                continue;
            }

            if (points.Count > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points)}\"/>");
                points.Clear();
            }
        }

        return svg.Append("</svg>").ToString();
    }
}
