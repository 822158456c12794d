using System.Globalization;
using System.Text;
using static Kabar.Admin.ChartScale;

namespace Kabar.Admin;

/// <summary>
/// A stacked bar per day, drawn as inline SVG on the server (no script, nothing fetched): a value
/// axis with gridlines, the days under the bars, each bar's total above it, and each part's name and
/// count in its tooltip. The SVG is an image named by its title and a one-sentence description; the
/// page puts the full figures in a table beside it for screen readers and for checking.
/// </summary>
public static class StackedBarChart
{
    /// <summary>One part of every bar; <paramref name="CssClass"/> gives its colour (admin.css).</summary>
    public sealed record Series(string Label, string CssClass);

    /// <summary>One bar: its axis label, a longer label for tooltips, and one value per series, in the series' order.</summary>
    public sealed record Bar(string Label, string LongLabel, IReadOnlyList<long> Values)
    {
        public long Total => Values.Sum();
    }

    private const double Width = 720, Height = 280, Left = 48, Right = 8, Top = 22, Bottom = 34;

    public static string Svg(string id, string title, string description, IReadOnlyList<Series> series, IReadOnlyList<Bar> bars, string empty)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(bars);
        var (top, step) = Nice(bars.Select(b => (double)b.Total).DefaultIfEmpty(0).Max(), whole: true);
        var plotHeight = Height - Top - Bottom;
        double Y(double v) => Top + plotHeight - v / top * plotHeight;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart stacked\" id=\"{id}\" viewBox=\"0 0 {At(Width)} {At(Height)}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">")
            .Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title><desc id=\"{id}-desc\">{Encode(description)}</desc>");
        for (var tick = 0.0; tick <= top + 1e-9; tick += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{At(Left)}\" y1=\"{At(Y(tick))}\" x2=\"{At(Width - Right)}\" y2=\"{At(Y(tick))}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(Left - 6)}\" y=\"{At(Y(tick) + 4)}\" text-anchor=\"end\">{Count((long)Math.Round(tick))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(Top)}\" x2=\"{At(Left)}\" y2=\"{At(Y(0))}\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{At(Left)}\" y1=\"{At(Y(0))}\" x2=\"{At(Width - Right)}\" y2=\"{At(Y(0))}\"/>");
        if (bars.Count == 0 || bars.All(b => b.Total == 0))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"empty\" x=\"{At((Left + Width - Right) / 2)}\" y=\"{At(Top + plotHeight / 2)}\" text-anchor=\"middle\">{Encode(empty)}</text>");
        }

        AppendBars(svg, series, bars, Y);
        return svg.Append("</svg>").ToString();
    }

    private static void AppendBars(StringBuilder svg, IReadOnlyList<Series> series, IReadOnlyList<Bar> bars, Func<double, double> y)
    {
        var slot = (Width - Left - Right) / Math.Max(1, bars.Count);
        var barWidth = Math.Min(40, slot * 0.72);
        // At most about ten day labels fit under the axis; the others are in the table.
        var every = Math.Max(1, (int)Math.Ceiling(bars.Count / 10.0));
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = Left + i * slot + (slot - barWidth) / 2;
            var level = 0L;
            for (var s = 0; s < series.Count && s < bar.Values.Count; s++)
            {
                var value = bar.Values[s];
                if (value <= 0)
                {
                    continue;
                }

                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{series[s].CssClass}\" x=\"{At(x)}\" y=\"{At(y(level + value))}\" width=\"{At(barWidth)}\" height=\"{At(y(level) - y(level + value))}\">")
                    .Append(CultureInfo.InvariantCulture, $"<title>{Encode(bar.LongLabel)}: {Encode(series[s].Label)} {Count(value)}</title></rect>");
                level += value;
            }

            var middle = x + barWidth / 2;
            if (bar.Total > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"total\" x=\"{At(middle)}\" y=\"{At(y(level) - 4)}\" text-anchor=\"middle\">{Count(bar.Total)}</text>");
            }

            if (i % every == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{At(middle)}\" y=\"{At(Height - Bottom + 16)}\" text-anchor=\"middle\">{Encode(bar.Label)}</text>");
            }
        }
    }
}
