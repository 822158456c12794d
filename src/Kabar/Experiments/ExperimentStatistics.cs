namespace Kabar.Experiments;

/// <summary>How many people one variant asked and how many of them granted consent in the attribution window.</summary>
internal sealed record VariantCounts(string Key, long Asked, long Converted);

/// <summary>A two-sided interval on a proportion or a difference of proportions.</summary>
public readonly record struct Interval(double Low, double High);

internal enum VerdictKind
{
    /// <summary>Too few requests in some variant to say anything.</summary>
    NotEnoughData,
    /// <summary>The always-valid test has not crossed its threshold.</summary>
    NoDifferenceYet,
    /// <summary>One variant converts better than the control, and the test says so at the chosen level.</summary>
    Winner,
    /// <summary>Every variant is established as worse than the control.</summary>
    ControlBest,
}

/// <summary>One variant's figures: conversion rate with its 95 % Wilson interval, and its comparison to the control.</summary>
internal sealed record VariantResult(
    string Key,
    long Asked,
    long Converted,
    double Rate,
    Interval Wilson95,
    double? DifferenceFromControl,
    Interval? DifferenceSequence,
    double? AlwaysValidPValue);

/// <summary>The analysis of an experiment at the moment it is looked at.</summary>
internal sealed record ExperimentAnalysis(
    IReadOnlyList<VariantResult> Variants,
    VerdictKind Verdict,
    string? Winner,
    long? MoreRequestsNeeded,
    string SummaryId,
    string SummaryEn);

/// <summary>
/// Tuning of the sequential test. The defaults suit opt-in requests (rates of roughly 10–40 %,
/// differences of a few percentage points); docs/experiments-statistics.md explains each choice.
/// </summary>
internal sealed record SequentialTestOptions
{
    /// <summary>τ², the variance of the normal mixture over the true difference: (5 points)².</summary>
    public double MixtureVariance { get; init; } = 0.05 * 0.05;

    /// <summary>Below this many requests in any variant no verdict is given.</summary>
    public long MinAskedPerVariant { get; init; } = 30;

    /// <summary>Below this many conversions across all variants no verdict is given.</summary>
    public long MinConvertedTotal { get; init; } = 10;

    /// <summary>The smallest difference worth finding (2 points); used when the observed one is smaller.</summary>
    public double MinimumEffect { get; init; } = 0.02;

    /// <summary>The estimate of further requests stops here ("more than …").</summary>
    public long MoreRequestsCap { get; init; } = 1_000_000;

    internal void Validate()
    {
        if (!(MixtureVariance > 0 && MixtureVariance <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MixtureVariance), MixtureVariance, "τ² must lie in (0, 1].");
        }

        if (MinAskedPerVariant < 1 || MinConvertedTotal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinAskedPerVariant), "At least one request per variant and no negative conversion floor.");
        }

        if (!(MinimumEffect > 0 && MinimumEffect < 1) || MoreRequestsCap < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumEffect), "The minimum effect must lie in (0, 1) and the cap be at least 1.");
        }
    }
}

/// <summary>
/// The statistics of opt-in request experiments (SPEC §8): Wilson intervals per variant and an
/// always-valid sequential comparison of each variant against the control (the first variant), so
/// the office may look every day without inflating false winners.
/// </summary>
/// <remarks>Formulas, references and the reasons for each constant: docs/experiments-statistics.md.</remarks>
internal static class ExperimentStatistics
{
    /// <summary>The default options (τ = 5 points, at least 30 requests per variant and 10 conversions in all).</summary>
    public static SequentialTestOptions DefaultOptions { get; } = new();

    /// <summary>The Wilson score interval for <paramref name="successes"/> out of <paramref name="trials"/>.</summary>
    public static Interval Wilson(long successes, long trials, double z = 1.959963984540054)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(z);
        if (trials == 0)
        {
            return new Interval(0, 1);
        }

        // Wilson (1927): the p for which |p̂ − p| ≤ z·sqrt(p(1 − p)/n), solved as a quadratic in p.
        double n = trials, p = successes / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At 0/n and n/n the root is exactly 0 or 1; rounding must not put it a hair outside.
        var low = successes == 0 ? 0 : Math.Max(0, centre - half);
        var high = successes == trials ? 1 : Math.Min(1, centre + half);
        return new Interval(low, high);
    }

    /// <summary>Analyses variants; <paramref name="variants"/>[0] is the control.</summary>
    public static ExperimentAnalysis Analyze(IReadOnlyList<VariantCounts> variants, double alpha = 0.05) =>
        Analyze(variants, alpha, DefaultOptions);

    /// <summary>Analyses variants with explicit test options; <paramref name="variants"/>[0] is the control.</summary>
    public static ExperimentAnalysis Analyze(IReadOnlyList<VariantCounts> variants, double alpha, SequentialTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie strictly between 0 and 1.");
        }

        foreach (var v in variants)
        {
            ArgumentNullException.ThrowIfNull(v, nameof(variants));
            if (v.Asked < 0 || v.Converted < 0 || v.Converted > v.Asked)
            {
                throw new ArgumentException(
                    $"Variant '{v.Key}' has {v.Converted} converted of {v.Asked} asked; counts must satisfy 0 ≤ converted ≤ asked.",
                    nameof(variants));
            }
        }

        if (variants.Count < 2)
        {
            var only = variants.Select(v => Describe(v, null, 1)).ToList();
            return new ExperimentAnalysis(only, VerdictKind.NotEnoughData, null, null,
                "Eksperimen perlu sedikitnya dua varian untuk dibandingkan.",
                "An experiment needs at least two variants to compare.");
        }

        // Bonferroni: each of the k − 1 comparisons with the control gets α/(k − 1), so the chance of
        // any false claim over the whole experiment, at any look, stays below α.
        var comparisonAlpha = alpha / (variants.Count - 1);
        var control = variants[0];
        var results = new List<VariantResult>(variants.Count) { Describe(control, null, comparisonAlpha, options) };
        for (var i = 1; i < variants.Count; i++)
        {
            results.Add(Describe(variants[i], control, comparisonAlpha, options));
        }

        var shortfall = Shortfall(variants, options);
        if (shortfall.Short)
        {
            var (id, en) = ExperimentSummaries.NotEnoughData(variants, options, shortfall.MoreRequests);
            return new ExperimentAnalysis(results, VerdictKind.NotEnoughData, null, shortfall.MoreRequests, id, en);
        }

        var threshold = Math.Log(1 / comparisonAlpha);
        var controlResult = results[0];
        var others = results.Skip(1).ToList();
        // The leader: the highest rate after the control (the first of equals); by index, not key.
        var leaderIndex = Enumerable.Range(1, variants.Count - 1).MaxBy(i => results[i].Rate);
        var leader = results[leaderIndex];
        var leaderAhead = leader.Rate > controlResult.Rate;
        if (leaderAhead && IsSignificant(control, variants[leaderIndex], options, threshold))
        {
            var (id, en) = ExperimentSummaries.Winner(controlResult, leader, alpha);
            return new ExperimentAnalysis(results, VerdictKind.Winner, leader.Key, null, id, en);
        }

        if (others.All(r => r.DifferenceFromControl < 0) &&
            variants.Skip(1).All(v => IsSignificant(control, v, options, threshold)))
        {
            var (id, en) = ExperimentSummaries.ControlBest(controlResult, others, alpha);
            return new ExperimentAnalysis(results, VerdictKind.ControlBest, null, null, id, en);
        }

        // Equivalence: every confidence sequence lies inside ±(minimum effect), so no difference worth
        // having is left to find and "N more requests" would send the office chasing noise.
        if (others.All(r => r.DifferenceSequence is { } s && s.Low > -options.MinimumEffect && s.High < options.MinimumEffect))
        {
            var (id, en) = ExperimentSummaries.NoMeaningfulDifference(controlResult, others, options.MinimumEffect);
            return new ExperimentAnalysis(results, VerdictKind.NoDifferenceYet, null, null, id, en);
        }

        var projection = ProjectMoreRequests(variants, leaderAhead ? leaderIndex : null, comparisonAlpha, options);
        var (noId, noEn) = ExperimentSummaries.NoDifferenceYet(controlResult, others, projection, options);
        return new ExperimentAnalysis(results, VerdictKind.NoDifferenceYet, null, projection.Requests, noId, noEn);
    }

    /// <summary>
    /// V, the estimated variance of p̂_B − p̂_A under the normal approximation: the larger of the
    /// unpooled p_A(1 − p_A)/n_A + p_B(1 − p_B)/n_B and the pooled p̄(1 − p̄)(1/n_A + 1/n_B), each rate
    /// kept half a success away from 0 and 1 so that 0/n or n/n does not claim zero uncertainty.
    /// </summary>
    public static double DifferenceVariance(VariantCounts control, VariantCounts variant)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(variant);
        return Variance(control.Converted, control.Asked, variant.Converted, variant.Asked);
    }

    private static double Variance(double xa, double na, double xb, double nb)
    {
        if (na <= 0 || nb <= 0)
        {
            return double.PositiveInfinity;
        }

        // The unpooled variance alone trusts a small variant's own rate. When one variant gets few
        // requests (unequal weights) and, by chance, few consents, its variance looks tiny and the
        // test "proves" it worse: 9 % false claims in an A/A simulation at 5 % with a 90:10 split.
        // Under "no difference" the pooled rate is the better estimate; taking the larger of the two
        // only ever widens (see docs/experiments-statistics.md), and costs nothing at equal weights.
        var unpooled = Bernoulli(xa, na) / na + Bernoulli(xb, nb) / nb;
        var pooled = Bernoulli(xa + xb, na + nb) * (1 / na + 1 / nb);
        return Math.Max(unpooled, pooled);
    }

    private static double Bernoulli(double converted, double asked)
    {
        var p = Math.Clamp(converted / asked, 0.5 / asked, 1 - 0.5 / asked);
        return p * (1 - p);
    }

    /// <summary>
    /// ln Λ, the log of the mixture likelihood ratio (mSPRT, Johari–Pekelis–Walsh) for an observed
    /// difference <paramref name="difference"/> with variance <paramref name="variance"/>, against
    /// "no difference", mixing the alternative over N(0, τ²):
    /// ln Λ = ½·ln(V/(V + τ²)) + τ²·θ̂² / (2V(V + τ²)).
    /// </summary>
    public static double LogMixtureLikelihoodRatio(double difference, double variance, double mixtureVariance)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(variance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mixtureVariance);
        var total = variance + mixtureVariance;
        return 0.5 * Math.Log(variance / total) + mixtureVariance * difference * difference / (2 * variance * total);
    }

    /// <summary>Λ for <paramref name="variant"/> against <paramref name="control"/> (may be +∞ for overwhelming evidence).</summary>
    public static double MixtureLikelihoodRatio(VariantCounts control, VariantCounts variant, double? mixtureVariance = null)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(variant);
        return Math.Exp(LogMixtureLikelihoodRatio(
            Rate(variant) - Rate(control), DifferenceVariance(control, variant), mixtureVariance ?? DefaultOptions.MixtureVariance));
    }

    /// <summary>
    /// The always-valid confidence sequence for p_B − p_A at level 1 − <paramref name="alpha"/>: every θ
    /// whose shifted test Λ(θ̂ − θ) stays below 1/α, i.e.
    /// θ̂ ± sqrt(V(V + τ²)/τ² · (2·ln(1/α) + ln((V + τ²)/V))), clipped to [−1, 1].
    /// </summary>
    public static Interval ConfidenceSequence(double difference, double variance, double alpha, double mixtureVariance)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(variance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mixtureVariance);
        var total = variance + mixtureVariance;
        var half = Math.Sqrt(variance * total / mixtureVariance * (2 * Math.Log(1 / alpha) + Math.Log(total / variance)));
        return new Interval(Math.Max(-1, difference - half), Math.Min(1, difference + half));
    }

    /// <summary>
    /// Always-valid p-values over a history of looks at one comparison (cumulative counts, oldest
    /// first): p_n = min(p_{n−1}, 1/Λ_n). The p-value of a single look, min(1, 1/Λ), is never smaller
    /// than this running minimum, so reporting it alone is conservative.
    /// </summary>
    public static IReadOnlyList<double> AlwaysValidPValues(
        IEnumerable<(VariantCounts Control, VariantCounts Variant)> looks, double? mixtureVariance = null)
    {
        ArgumentNullException.ThrowIfNull(looks);
        var values = new List<double>();
        var running = 1.0;
        foreach (var (control, variant) in looks)
        {
            running = Math.Min(running, PValue(control, variant, mixtureVariance ?? DefaultOptions.MixtureVariance));
            values.Add(running);
        }

        return values;
    }

    private static double PValue(VariantCounts control, VariantCounts variant, double tau2)
    {
        if (control.Asked == 0 || variant.Asked == 0)
        {
            return 1;
        }

        var lnLambda = LogMixtureLikelihoodRatio(Rate(variant) - Rate(control), DifferenceVariance(control, variant), tau2);
        return Math.Min(1, Math.Exp(-lnLambda));
    }

    private static bool IsSignificant(VariantCounts control, VariantCounts variant, SequentialTestOptions options, double logThreshold) =>
        control.Asked > 0 && variant.Asked > 0 &&
        LogMixtureLikelihoodRatio(Rate(variant) - Rate(control), DifferenceVariance(control, variant), options.MixtureVariance) >= logThreshold;

    private static VariantResult Describe(VariantCounts v, VariantCounts? control, double alpha, SequentialTestOptions? options = null)
    {
        var rate = Rate(v);
        if (control is null || options is null || control.Asked == 0 || v.Asked == 0)
        {
            return new VariantResult(v.Key, v.Asked, v.Converted, rate, Wilson(v.Converted, v.Asked), null, null, null);
        }

        var difference = rate - Rate(control);
        var variance = DifferenceVariance(control, v);
        return new VariantResult(
            v.Key, v.Asked, v.Converted, rate, Wilson(v.Converted, v.Asked),
            difference,
            ConfidenceSequence(difference, variance, alpha, options.MixtureVariance),
            PValue(control, v, options.MixtureVariance));
    }

    private static double Rate(VariantCounts v) => v.Asked == 0 ? 0 : (double)v.Converted / v.Asked;

    private static (bool Short, long? MoreRequests) Shortfall(IReadOnlyList<VariantCounts> variants, SequentialTestOptions options)
    {
        var askedShort = variants.Sum(v => Math.Max(0, options.MinAskedPerVariant - v.Asked));
        var asked = variants.Sum(v => v.Asked);
        var converted = variants.Sum(v => v.Converted);
        var convertedShort = Math.Max(0, options.MinConvertedTotal - converted);
        if (askedShort == 0 && convertedShort == 0)
        {
            return (false, null);
        }

        if (convertedShort == 0)
        {
            return (true, askedShort);
        }

        // At the pooled rate so far; with no conversion at all there is nothing to extrapolate from.
        if (converted == 0)
        {
            return (true, null);
        }

        var forConversions = (long)Math.Ceiling(convertedShort * (double)asked / converted);
        return (true, Math.Max(askedShort, forConversions));
    }

    /// <summary>What <see cref="ProjectMoreRequests"/> found.</summary>
    internal readonly record struct Projection(long Requests, bool Capped, bool AssumedMinimumEffect);

    /// <summary>
    /// Further requests (all variants together, split as they have been so far) after which the test
    /// would cross its threshold if the observed rates held. The leader must beat the control; when the
    /// control leads, every variant must fall significantly below it. A difference smaller than the
    /// minimum effect is replaced by the minimum effect.
    /// </summary>
    internal static Projection ProjectMoreRequests(
        IReadOnlyList<VariantCounts> variants, int? leaderIndex, double comparisonAlpha, SequentialTestOptions options)
    {
        var control = variants[0];
        double totalAsked = variants.Sum(v => v.Asked);
        var targets = leaderIndex is { } i ? [variants[i]] : variants.Skip(1);
        long requests = 0;
        bool capped = false, assumed = false;
        foreach (var v in targets)
        {
            var one = ProjectOne(control, v, control.Asked / totalAsked, v.Asked / totalAsked, comparisonAlpha, options);
            requests = Math.Max(requests, one.Requests);
            capped |= one.Capped;
            assumed |= one.AssumedMinimumEffect;
        }

        return new Projection(requests, capped, assumed);
    }

    private static Projection ProjectOne(
        VariantCounts control, VariantCounts variant, double controlShare, double variantShare, double alpha, SequentialTestOptions options)
    {
        var pa = Rate(control);
        var pb = Rate(variant);
        var assumed = false;
        if (Math.Abs(pb - pa) < options.MinimumEffect)
        {
            // Centre the assumed difference on the pair's mean rate, signed as observed (ties count as "worse").
            var mean = (pa + pb) / 2;
            var sign = pb > pa ? 1 : -1;
            pa = Math.Clamp(mean - sign * options.MinimumEffect / 2, 0, 1);
            pb = Math.Clamp(mean + sign * options.MinimumEffect / 2, 0, 1);
            assumed = true;
        }

        var threshold = Math.Log(1 / alpha);
        bool Crosses(long more)
        {
            var na = control.Asked + more * controlShare;
            var nb = variant.Asked + more * variantShare;
            var variance = Variance(pa * na, na, pb * nb, nb);
            return LogMixtureLikelihoodRatio(pb - pa, variance, options.MixtureVariance) >= threshold;
        }

        if (!Crosses(options.MoreRequestsCap))
        {
            return new Projection(options.MoreRequestsCap, true, assumed);
        }

        // {more : Λ ≥ 1/α} is an upward-closed set here (ln Λ falls as V grows wherever it exceeds
        // ln(1/α) > 0, and V falls as requests grow), so bisection finds its least element.
        long low = 0, high = options.MoreRequestsCap;
        if (Crosses(0))
        {
            return new Projection(1, false, assumed);
        }

        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            if (Crosses(mid))
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return new Projection(high, false, assumed);
    }
}
