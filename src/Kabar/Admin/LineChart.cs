using System.Globalization;
using System.Text;
using static Kabar.Admin.ChartScale;

namespace Kabar.Admin;

/// <summary>
/// A figure's daily series as an inline SVG line drawn on the server, with its axes: the value axis
/// from 0 to a round top, the first and last day under it, and the latest value written at its end.
/// Days without data (a ratio over nothing) break the line. The same figures are in the dashboard's
/// "Angka harian" table.
/// </summary>
public static class LineChart
{
    private const double Width = 300, Height = 120, Left = 44, Right = 44, Top = 8, Bottom = 20;

    /// <param name="days">The day of each value.</param>
    /// <param name="values">One value per day; null where there is nothing to show.</param>
    /// <param name="label">The chart's name, read by screen readers with its first, last and latest value.</param>
    /// <param name="format">How a value is written (a count, a percentage, dollars).</param>
    /// <param name="ratio">Values are shares (0 to 1): the axis is cut at round percentages, not whole numbers.</param>
    public static string Svg(IReadOnlyList<DateOnly> days, IReadOnlyList<double?> values, string label, Func<double, string> format, bool ratio = false)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(format);
        var known = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        var (top, _) = Nice(known.DefaultIfEmpty(0).Max(), whole: !ratio, ticks: 2);
        var plotHeight = Height - Top - Bottom;
        var step = values.Count > 1 ? (Width - Left - Right) / (values.Count - 1) : 0;
        double X(int i) => values.Count > 1 ? Left + i * step : (Left + Width - Right) / 2;
        double Y(double v) => Top + plotHeight - v / top * plotHeight;
        var latest = values.Select((v, i) => (v, i)).LastOrDefault(p => p.v is { } x && double.IsFinite(x));
        var summary = latest.v is { } last ? $"{label}: {format(last)} ({Day(days, latest.i)})" : label;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart line\" viewBox=\"0 0 {At(Width)} {At(Height)}\" role=\"img\" aria-label=\"{Encode(summary)}\">");
        foreach (var tick in new[] { 0, top / 2, top })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{At(Left)}\" y1=\"{At(Y(tick))}\" x2=\"{At(Width - Right)}\" y2=\"{At(Y(tick))}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(Left - 4)}\" y=\"{At(Y(tick) + 4)}\" text-anchor=\"end\">{Encode(format(tick))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(Top)}\" x2=\"{At(Left)}\" y2=\"{At(Y(0))}\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(Y(0))}\" x2=\"{At(Width - Right)}\" y2=\"{At(Y(0))}\"/>");
        if (days.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(Left)}\" y=\"{At(Height - 4)}\" text-anchor=\"start\">{Day(days, 0)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(Width - Right)}\" y=\"{At(Height - 4)}\" text-anchor=\"end\">{Day(days, days.Count - 1)}</text>");
        }

        AppendLine(svg, values, X, Y);
        if (latest.v is { } end)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{At(X(latest.i))}\" cy=\"{At(Y(end))}\" r=\"3\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"latest\" x=\"{At(X(latest.i) + 6)}\" y=\"{At(Y(end) + 4)}\">{Encode(format(end))}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Day(IReadOnlyList<DateOnly> days, int i) =>
        i < days.Count ? days[i].ToString("dd-MM", CultureInfo.InvariantCulture) : "";

    private static void AppendLine(StringBuilder svg, IReadOnlyList<double?> values, Func<int, double> x, Func<double, double> y)
    {
        var points = new List<string>();
        for (var i = 0; i <= values.Count; i++)
        {
            if (i < values.Count && values[i] is { } v && double.IsFinite(v))
            {
                points.Add($"{At(x(i))},{At(y(v))}");
                continue;
            }

            if (points.Count == 1)
            {
                // A lone day between gaps is a dot, not an invisible one-point line.
                var xy = points[0].Split(',');
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2\"/>");
            }
            else if (points.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points)}\"/>");
            }

            points.Clear();
        }
    }
}
