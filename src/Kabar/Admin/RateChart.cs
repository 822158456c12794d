using System.Globalization;
using System.Net;
using System.Text;

namespace Kabar.Admin;

/// <summary>
/// Conversion rates per variant as an inline SVG drawn on the server: one bar per variant with its
/// 95 % Wilson interval as a whisker, so overlapping intervals are visible without script.
/// </summary>
public static class RateChart
{
    public sealed record Bar(string Label, double Rate, double Low, double High);

    public static string Svg(IReadOnlyList<Bar> bars, string label)
    {
        const double width = 400, row = 34, left = 60, right = 50;
        var height = Math.Max(1, bars.Count) * row + 20;
        var top = bars.Select(b => b.High).DefaultIfEmpty(0).Max();
        var scale = top <= 0 ? 1 : Math.Min(1, top * 1.15);
        double X(double v) => left + v / scale * (width - left - right);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"rates\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" y1=\"0\" x2=\"{left}\" y2=\"{height - 20}\"/>");
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var y = i * row + 6;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{left - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{WebUtility.HtmlEncode(b.Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" x=\"{left}\" y=\"{y + 4}\" width=\"{X(b.Rate) - left:0.##}\" height=\"14\"><title>{b.Rate:P1}</title></rect>");
            var mid = y + 11;
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"ci\"><line x1=\"{X(b.Low):0.##}\" y1=\"{mid}\" x2=\"{X(b.High):0.##}\" y2=\"{mid}\"/>"
                + $"<line x1=\"{X(b.Low):0.##}\" y1=\"{mid - 6}\" x2=\"{X(b.Low):0.##}\" y2=\"{mid + 6}\"/>"
                + $"<line x1=\"{X(b.High):0.##}\" y1=\"{mid - 6}\" x2=\"{X(b.High):0.##}\" y2=\"{mid + 6}\"/></g>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{X(b.High) + 4:0.##}\" y=\"{y + 15}\">{(b.Rate * 100).ToString("0.0", CultureInfo.InvariantCulture)} %</text>");
        }

        var axisY = height - 6;
        foreach (var tick in new[] { 0, 0.5, 1 })
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{X(tick * scale):0.##}\" y=\"{axisY}\" text-anchor=\"middle\">{(tick * scale * 100).ToString("0", CultureInfo.InvariantCulture)} %</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
