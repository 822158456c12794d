using System.Globalization;
using System.Text;
using static Kabar.Admin.ChartScale;

namespace Kabar.Admin;

/// <summary>
/// A funnel as inline SVG drawn on the server: one horizontal bar per step on a common count axis,
/// each with its name, its count and its share of the first step. The SVG is an image named by its
/// title and description; the page shows the same steps in a table for screen readers.
/// </summary>
public static class FunnelChart
{
    public sealed record Stage(string Label, long Count);

    private const double Width = 480, Row = 46, Left = 8, Right = 110, Top = 4, AxisHeight = 26;

    public static string Svg(string id, string title, string description, IReadOnlyList<Stage> steps, string empty)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var height = Top + Math.Max(1, steps.Count) * Row + AxisHeight;
        var (top, step) = Nice(steps.Select(s => (double)s.Count).DefaultIfEmpty(0).Max(), whole: true);
        double X(double v) => Left + v / top * (Width - Left - Right);
        var first = steps.Count > 0 ? steps[0].Count : 0;
        var axisY = Top + Math.Max(1, steps.Count) * Row;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart funnel\" id=\"{id}\" viewBox=\"0 0 {At(Width)} {At(height)}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">")
            .Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title><desc id=\"{id}-desc\">{Encode(description)}</desc>");
        for (var tick = 0.0; tick <= top + 1e-9; tick += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{At(X(tick))}\" y1=\"{At(Top)}\" x2=\"{At(X(tick))}\" y2=\"{At(axisY)}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(X(tick))}\" y=\"{At(axisY + 16)}\" text-anchor=\"middle\">{Count((long)Math.Round(tick))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(Top)}\" x2=\"{At(Left)}\" y2=\"{At(axisY)}\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(axisY)}\" x2=\"{At(Width - Right)}\" y2=\"{At(axisY)}\"/>");
        if (steps.Count == 0 || steps.All(s => s.Count == 0))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"empty\" x=\"{At(Width / 2)}\" y=\"{At(Top + Row / 2)}\" text-anchor=\"middle\">{Encode(empty)}</text>");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var y = Top + i * Row;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{At(Left + 4)}\" y=\"{At(y + 14)}\">{Encode(s.Label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"step s{i % 6}\" x=\"{At(Left)}\" y=\"{At(y + 20)}\" width=\"{At(X(s.Count) - Left)}\" height=\"18\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"count\" x=\"{At(X(s.Count) + 6)}\" y=\"{At(y + 34)}\">{Count(s.Count)}{(i > 0 ? $" ({Percent(s.Count, first)})" : "")}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
