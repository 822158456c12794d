using System.Globalization;
using System.Net;

namespace Kabar.Admin;

/// <summary>What the console's charts share: a readable top for the value axis, numbers as text, and escaping.</summary>
public static class ChartScale
{
    private static readonly int[] Multiples = [1, 2, 5, 10];

    /// <summary>
    /// The axis top and step: the smallest "nice" step (1, 2 or 5 × 10ⁿ; whole numbers for counts) that
    /// covers <paramref name="max"/> in at most <paramref name="ticks"/> steps. Nothing to show still
    /// gives an axis (0 to 1), never a division by zero.
    /// </summary>
    public static (double Top, double Step) Nice(double max, bool whole, int ticks = 4)
    {
        if (!double.IsFinite(max) || max <= 0)
        {
            return (1, 1);
        }

        var rough = max / ticks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = Multiples.Select(m => m * magnitude).First(s => s >= rough);
        if (whole)
        {
            step = Math.Max(1, Math.Ceiling(step));
        }

        return (Math.Ceiling(max / step - 1e-9) * step, step);
    }

    /// <summary>A coordinate: at most two decimals, invariant, never NaN.</summary>
    public static string At(double value) => (double.IsFinite(value) ? value : 0).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A share as the console writes it (<c>42.5%</c>), or "–" when there is nothing to divide by.</summary>
    public static string Percent(long part, long whole) =>
        whole <= 0 ? "–" : ((double)part * 100 / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
