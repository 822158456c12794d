using System.Globalization;

namespace Kabar.Experiments;

/// <summary>
/// The plain-language verdicts of <see cref="ExperimentStatistics.Analyze(IReadOnlyList{VariantCounts}, double)"/>,
/// in Indonesian (comma decimals, dot thousands, "24,1 %") and English ("24.1%", "1,200").
/// </summary>
internal static class ExperimentSummaries
{
    private static readonly NumberFormatInfo Id = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NumberGroupSizes = [3],
    };

    private static readonly NumberFormatInfo En = NumberFormatInfo.InvariantInfo;

    // U+2212 so that screen readers say "minus" rather than "dash".
    private const string Minus = "\u2212";

    public static (string Id, string En) NotEnoughData(IReadOnlyList<VariantCounts> variants, SequentialTestOptions options, long? more)
    {
        var asked = variants.Sum(v => v.Asked);
        var converted = variants.Sum(v => v.Converted);
        var id = $"Belum cukup data: setiap varian perlu sedikitnya {Count(options.MinAskedPerVariant, Id)} permintaan dan semuanya bersama sedikitnya {Count(options.MinConvertedTotal, Id)} persetujuan (kini {Count(asked, Id)} permintaan, {Count(converted, Id)} persetujuan).";
        var en = $"Not enough data yet: every variant needs at least {Count(options.MinAskedPerVariant, En)} requests and at least {Count(options.MinConvertedTotal, En)} consents in all (now {Count(asked, En)} requests, {Count(converted, En)} consents).";
        if (more is { } n)
        {
            id += $" Kira-kira {Count(Round(n), Id)} permintaan lagi diperlukan.";
            en += $" About {Count(Round(n), En)} more requests needed.";
        }

        return (id, en);
    }

    /// <param name="control"></param>

    /// <param name="winner"></param>    /// <param name="alpha">The experiment's α; the intervals hold together at 1 − α, said as "95 %".</param>
    public static (string Id, string En) Winner(VariantResult control, VariantResult winner, double alpha) => (
        $"Varian {winner.Key} lebih baik daripada {control.Key}: {Percent(winner.Rate, Id)} vs {Percent(control.Rate, Id)} ({Difference(winner, alpha, Id)}).",
        $"Variant {winner.Key} is better than {control.Key}: {Percent(winner.Rate, En)} vs {Percent(control.Rate, En)} ({Difference(winner, alpha, En)}).");

    public static (string Id, string En) ControlBest(VariantResult control, IReadOnlyList<VariantResult> others, double alpha) => (
        $"Varian kontrol {control.Key} tetap yang terbaik ({Percent(control.Rate, Id)}): " +
            string.Join("; ", others.Select(o => $"{o.Key} {Percent(o.Rate, Id)} ({Difference(o, alpha, Id)})")) + ".",
        $"The control {control.Key} stays best ({Percent(control.Rate, En)}): " +
            string.Join("; ", others.Select(o => $"{o.Key} {Percent(o.Rate, En)} ({Difference(o, alpha, En)})")) + ".");

    public static (string Id, string En) NoMeaningfulDifference(VariantResult control, IReadOnlyList<VariantResult> others, double minimumEffect)
    {
        var (whoId, whoEn) = others.Count == 1 ? ($"varian {others[0].Key}", $"variant {others[0].Key}") : ("setiap varian", "every variant");
        return (
            $"Tidak ada perbedaan yang berarti: {whoId} berbeda kurang dari {Points(minimumEffect, Id)} poin dari {control.Key} ({Rates(control, others, Id)}).",
            $"No meaningful difference: {whoEn} differs from {control.Key} by less than {Points(minimumEffect, En)} points ({Rates(control, others, En)}).");
    }

    public static (string Id, string En) NoDifferenceYet(
        VariantResult control, IReadOnlyList<VariantResult> others, ExperimentStatistics.Projection projection, SequentialTestOptions options)
    {
        var id = $"Belum ada perbedaan yang pasti ({Rates(control, others, Id)}); ";
        var en = $"No difference yet ({Rates(control, others, En)}); ";
        if (projection.Capped)
        {
            id += $"lebih dari {Count(projection.Requests, Id)} permintaan lagi diperlukan, jadi selisihnya mungkin terlalu kecil untuk berarti.";
            en += $"more than {Count(projection.Requests, En)} more requests would be needed, so the difference is probably too small to matter.";
        }
        else if (projection.AssumedMinimumEffect)
        {
            id += $"kira-kira {Count(Round(projection.Requests), Id)} permintaan lagi diperlukan untuk mengenali selisih {Points(options.MinimumEffect, Id)} poin.";
            en += $"about {Count(Round(projection.Requests), En)} more requests needed to detect a {Points(options.MinimumEffect, En)}-point difference.";
        }
        else
        {
            id += $"kira-kira {Count(Round(projection.Requests), Id)} permintaan lagi diperlukan bila selisih ini bertahan.";
            en += $"about {Count(Round(projection.Requests), En)} more requests needed if this difference holds.";
        }

        return (id, en);
    }

    /// <summary>"About N": two significant figures, and at least the next ten below a hundred.</summary>
    internal static long Round(long n)
    {
        if (n <= 0)
        {
            return 0;
        }

        if (n < 100)
        {
            return (n + 9) / 10 * 10;
        }

        var scale = (long)Math.Pow(10, Math.Floor(Math.Log10(n)) - 1);
        return (long)Math.Round((double)n / scale, MidpointRounding.AwayFromZero) * scale;
    }

    private static string Rates(VariantResult control, IReadOnlyList<VariantResult> others, NumberFormatInfo f) =>
        string.Join(", ", others.Prepend(control).Select(v => $"{v.Key} {Percent(v.Rate, f)}"));

    private static string Difference(VariantResult v, double alpha, NumberFormatInfo f)
    {
        var s = v.DifferenceSequence!.Value;
        var level = ((1 - alpha) * 100).ToString("0.##", f);
        return f == Id
            ? $"selisih {Signed(v.DifferenceFromControl!.Value, f)} poin, {level} %: {Signed(s.Low, f)} s.d. {Signed(s.High, f)}"
            : $"difference {Signed(v.DifferenceFromControl!.Value, f)} points, {level}%: {Signed(s.Low, f)} to {Signed(s.High, f)}";
    }

    private static string Percent(double rate, NumberFormatInfo f) =>
        f == Id ? (rate * 100).ToString("N1", f) + " %" : (rate * 100).ToString("N1", f) + "%";

    private static string Points(double difference, NumberFormatInfo f) => (difference * 100).ToString("0.#", f);

    private static string Signed(double difference, NumberFormatInfo f)
    {
        var points = Math.Round(difference * 100, 1);
        var text = Math.Abs(points).ToString("N1", f);
        return points > 0 ? "+" + text : points < 0 ? Minus + text : text;
    }

    private static string Count(long n, NumberFormatInfo f) => n.ToString("N0", f);
}
