using System.Globalization;
using System.Text.RegularExpressions;
using Kabar.Experiments;

namespace Kabar.Tests.Experiments;

/// <summary>
/// The experiment statistics against published values, against a second implementation written
/// here, and against simulations whose true difference is known.
/// </summary>
public sealed partial class ExperimentStatisticsTests
{
    private const double Tau2 = 0.05 * 0.05;

    // ---- Wilson interval ----------------------------------------------------------------------

    /// <summary>Newcombe (1998), Statist. Med. 17:857–872, worked examples, method 3 (score, no continuity correction).</summary>
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_NewcombeWorkedExamples_MatchToFourDecimals(long successes, long trials, double low, double high)
    {
        var w = ExperimentStatistics.Wilson(successes, trials);
        Assert.Equal((low, high), (Math.Round(w.Low, 4), Math.Round(w.High, 4)));
    }

    [Fact]
    public void Wilson_Edges_ZeroTrialsIsEverything_AllOrNothingTouchTheBound()
    {
        Assert.Equal(new Interval(0, 1), ExperimentStatistics.Wilson(0, 0));
        var none = ExperimentStatistics.Wilson(0, 20);
        var all = ExperimentStatistics.Wilson(20, 20);
        Assert.Equal(0, none.Low);
        Assert.Equal(1, all.High);
        // Symmetry: n/n mirrors 0/n (Newcombe's 0/20 upper limit 0.1611).
        Assert.Equal(1 - none.High, all.Low, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentStatistics.Wilson(21, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentStatistics.Wilson(-1, 20));
    }

    // ---- mixture SPRT -------------------------------------------------------------------------

    public static TheoryData<long, long, long, long> Counts => new()
    {
        { 180, 1000, 210, 1000 },
        { 50, 400, 72, 410 },
        { 12, 60, 25, 70 },
        { 300, 1500, 300, 1500 },
        { 90, 300, 60, 300 },
        { 2400, 10000, 2520, 10000 },
    };

    /// <summary>
    /// Λ by brute force: integrate the likelihood of the observed difference, N(θ̂; θ, V), over the
    /// mixing prior θ ~ N(0, τ²) with Simpson's rule, and divide by the likelihood under θ = 0.
    /// Shares with the code only the model's statement, not its algebra.
    /// </summary>
    [Theory]
    [MemberData(nameof(Counts))]
    public void MixtureLikelihoodRatio_MatchesNumericalIntegration(long xa, long na, long xb, long nb)
    {
        var (diff, v) = Normal(xa, na, xb, nb);
        const int steps = 200_000; // even, over θ ∈ [−1, 1]: a step of 1e-5 against posterior sds ≥ 4e-3.
        var h = 2.0 / steps;
        var sum = 0.0;
        for (var i = 0; i <= steps; i++)
        {
            var theta = -1 + i * h;
            var weight = i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Density(diff, theta, v) * Density(theta, 0, Tau2);
        }

        var expected = sum * h / 3 / Density(diff, 0, v);
        var actual = ExperimentStatistics.MixtureLikelihoodRatio(new("A", na, xa), new("B", nb, xb), Tau2);
        Assert.Equal(1, actual / expected, 6);
    }

    /// <summary>Λ as a Bayes factor of marginal densities: θ̂ ~ N(0, V + τ²) under the mixture against N(0, V).</summary>
    [Theory]
    [MemberData(nameof(Counts))]
    public void MixtureLikelihoodRatio_MatchesBayesFactorOfMarginals(long xa, long na, long xb, long nb)
    {
        var (diff, v) = Normal(xa, na, xb, nb);
        var expected = Density(diff, 0, v + Tau2) / Density(diff, 0, v);
        var actual = ExperimentStatistics.MixtureLikelihoodRatio(new("A", na, xa), new("B", nb, xb), Tau2);
        Assert.Equal(1, actual / expected, 10);
    }

    /// <summary>The closed-form sequence ends exactly where the shifted test reaches 1/α, found here by bisection.</summary>
    [Theory]
    [MemberData(nameof(Counts))]
    public void ConfidenceSequence_BoundsAreWhereLambdaCrossesOneOverAlpha(long xa, long na, long xb, long nb)
    {
        var (diff, v) = Normal(xa, na, xb, nb);
        foreach (var alpha in new[] { 0.05, 0.025, 0.01 })
        {
            var cs = ExperimentStatistics.ConfidenceSequence(diff, v, alpha, Tau2);
            double Lambda(double theta) => Density(diff, theta, v + Tau2) / Density(diff, theta, v);
            double Crossing(double inside, double outside)
            {
                for (var i = 0; i < 200; i++)
                {
                    var mid = (inside + outside) / 2;
                    if (Lambda(mid) < 1 / alpha)
                    {
                        inside = mid;
                    }
                    else
                    {
                        outside = mid;
                    }
                }

                return inside;
            }

            Assert.Equal(Crossing(diff, 1), cs.High, 9);
            Assert.Equal(Crossing(diff, -1), cs.Low, 9);
        }
    }

    [Fact]
    public void AlwaysValidPValues_AreTheRunningMinimumOfOneOverLambda()
    {
        var looks = new (VariantCounts, VariantCounts)[]
        {
            (new("A", 100, 20), new("B", 100, 31)),
            (new("A", 200, 40), new("B", 200, 58)),
            (new("A", 300, 66), new("B", 300, 72)), // the evidence weakens here
            (new("A", 400, 80), new("B", 400, 110)),
        };
        var single = looks.Select(l => Math.Min(1, 1 / ExperimentStatistics.MixtureLikelihoodRatio(l.Item1, l.Item2))).ToList();
        var running = ExperimentStatistics.AlwaysValidPValues(looks);

        Assert.True(single[2] > single[1], "the example must contain a look where 1/Λ rises");
        Assert.Equal(single[1], running[2], 12);
        for (var i = 0; i < looks.Length; i++)
        {
            Assert.Equal(single.Take(i + 1).Min(), running[i], 12);
        }
    }

    // ---- verdicts -----------------------------------------------------------------------------

    [Fact]
    public void Analyze_TooFewRequests_NotEnoughDataWithTheShortfall()
    {
        var a = ExperimentStatistics.Analyze([new("A", 29, 10), new("B", 40, 12)]);
        Assert.Equal(VerdictKind.NotEnoughData, a.Verdict);
        Assert.Null(a.Winner);
        Assert.Equal(1, a.MoreRequestsNeeded);
        Assert.StartsWith("Belum cukup data", a.SummaryId, StringComparison.Ordinal);
        Assert.StartsWith("Not enough data", a.SummaryEn, StringComparison.Ordinal);
        // The per-variant figures are still there for the table.
        Assert.Equal(12 / 40.0, a.Variants[1].Rate);
        Assert.NotNull(a.Variants[1].DifferenceSequence);
    }

    [Fact]
    public void Analyze_TooFewConversions_NotEnoughDataEstimatedFromThePooledRate()
    {
        // 4 consents from 200 requests (2 %): 6 more consents need about 300 more requests.
        var a = ExperimentStatistics.Analyze([new("A", 100, 1), new("B", 100, 3)]);
        Assert.Equal(VerdictKind.NotEnoughData, a.Verdict);
        Assert.Equal(300, a.MoreRequestsNeeded);
        Assert.Null(ExperimentStatistics.Analyze([new("A", 100, 0), new("B", 100, 0)]).MoreRequestsNeeded);
    }

    [Fact]
    public void Analyze_ClearDifference_WinnerWithIndonesianAndEnglishFigures()
    {
        var a = ExperimentStatistics.Analyze([new("A", 1000, 183), new("B", 1000, 241)]);

        Assert.Equal(VerdictKind.Winner, a.Verdict);
        Assert.Equal("B", a.Winner);
        Assert.Null(a.MoreRequestsNeeded);
        var b = a.Variants[1];
        Assert.Equal(0.058, b.DifferenceFromControl!.Value, 12);
        Assert.True(b.DifferenceSequence!.Value.Low > 0);
        Assert.True(b.AlwaysValidPValue < 0.05);
        var (low, high) = (b.DifferenceSequence.Value.Low * 100, b.DifferenceSequence.Value.High * 100);
        Assert.Equal(
            $"Varian B lebih baik daripada A: 24,1 % vs 18,3 % (selisih +5,8 poin, 95 %: +{Id(low)} s.d. +{Id(high)}).",
            a.SummaryId);
        Assert.Equal(
            $"Variant B is better than A: 24.1% vs 18.3% (difference +5.8 points, 95%: +{En(low)} to +{En(high)}).",
            a.SummaryEn);
    }

    [Fact]
    public void Analyze_OtherAlpha_SaysItsOwnLevel()
    {
        var a = ExperimentStatistics.Analyze([new("A", 1000, 183), new("B", 1000, 241)], 0.1);
        Assert.Contains("poin, 90 %: +", a.SummaryId, StringComparison.Ordinal);
        Assert.Contains("points, 90%: +", a.SummaryEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ControlClearlyBetter_ControlBest()
    {
        var a = ExperimentStatistics.Analyze([new("A", 1000, 241), new("B", 1000, 170), new("C", 1000, 160)]);
        Assert.Equal(VerdictKind.ControlBest, a.Verdict);
        Assert.Null(a.Winner);
        Assert.StartsWith("Varian kontrol A tetap yang terbaik (24,1 %): B 17,0 % (selisih \u22127,1 poin", a.SummaryId, StringComparison.Ordinal);
        Assert.StartsWith("The control A stays best (24.1%): B 17.0% (difference \u22127.1 points", a.SummaryEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SmallDifference_NoDifferenceYetWithRoundedRequestsInBothLanguages()
    {
        var a = ExperimentStatistics.Analyze([new("A", 300, 60), new("B", 300, 69)]);

        Assert.Equal(VerdictKind.NoDifferenceYet, a.Verdict);
        var n = a.MoreRequestsNeeded!.Value;
        Assert.InRange(n, 1000, 100_000);
        var idMatch = IdMore().Match(a.SummaryId);
        var enMatch = EnMore().Match(a.SummaryEn);
        Assert.True(idMatch.Success, a.SummaryId);
        Assert.True(enMatch.Success, a.SummaryEn);
        var shown = long.Parse(idMatch.Groups[1].Value.Replace(".", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.Equal(shown, long.Parse(enMatch.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
        Assert.InRange(shown, n * 0.95, n * 1.05); // "about": two significant figures
        Assert.Contains("(A 20,0 %, B 23,0 %)", a.SummaryId, StringComparison.Ordinal);
        Assert.Contains("(A 20.0%, B 23.0%)", a.SummaryEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NoObservedDifference_ProjectsForTheMinimumEffect()
    {
        var a = ExperimentStatistics.Analyze([new("A", 200, 40), new("B", 200, 40)]);
        Assert.Equal(VerdictKind.NoDifferenceYet, a.Verdict);
        Assert.Contains("untuk mengenali selisih 2 poin", a.SummaryId, StringComparison.Ordinal);
        Assert.Contains("to detect a 2-point difference", a.SummaryEn, StringComparison.Ordinal);
        Assert.InRange(a.MoreRequestsNeeded!.Value, 2_000, 200_000);
    }

    [Fact]
    public void Analyze_TightIntervalAroundZero_NoMeaningfulDifferenceAndNothingMoreToAsk()
    {
        var a = ExperimentStatistics.Analyze([new("A", 10_000, 2000), new("B", 10_000, 2010)]);
        Assert.Equal(VerdictKind.NoDifferenceYet, a.Verdict);
        Assert.Null(a.MoreRequestsNeeded);
        Assert.StartsWith("Tidak ada perbedaan yang berarti: varian B berbeda kurang dari 2 poin dari A (A 20,0 %, B 20,1 %)", a.SummaryId, StringComparison.Ordinal);
        Assert.StartsWith("No meaningful difference: variant B differs from A by less than 2 points (A 20.0%, B 20.1%)", a.SummaryEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MoreRequestsNeeded_IsWhereTheTestCrossesIfRatesHold()
    {
        // Exact rates that survive scaling: 20 % and 25 %, split 1:1.
        var n = ExperimentStatistics.Analyze([new("A", 200, 40), new("B", 200, 50)]).MoreRequestsNeeded!.Value;
        VerdictKind At(long more)
        {
            var each = 200 + more / 2;
            return ExperimentStatistics.Analyze([new("A", each, (long)Math.Round(each * 0.20)), new("B", each, (long)Math.Round(each * 0.25))]).Verdict;
        }

        Assert.Equal(VerdictKind.Winner, At((long)(n * 1.05) + 4));
        Assert.Equal(VerdictKind.NoDifferenceYet, At((long)(n * 0.95) - 4));
    }

    [Fact]
    public void Analyze_ThirdVariant_SplitsAlphaBonferroni()
    {
        // Find B's count at which Λ lies between 1/α and 2/α: significant alone, not with α/2.
        var control = new VariantCounts("A", 1000, 200);
        var b = Enumerable.Range(200, 200).Select(x => new VariantCounts("B", 1000, x))
            .First(v => ExperimentStatistics.MixtureLikelihoodRatio(control, v) >= 20);
        Assert.InRange(ExperimentStatistics.MixtureLikelihoodRatio(control, b), 20, 40);

        var two = ExperimentStatistics.Analyze([control, b]);
        var three = ExperimentStatistics.Analyze([control, b, new("C", 1000, 200)]);
        Assert.Equal((VerdictKind.Winner, "B"), (two.Verdict, two.Winner));
        Assert.Equal(VerdictKind.NoDifferenceYet, three.Verdict);
        Assert.True(three.Variants[1].DifferenceSequence!.Value.Low < two.Variants[1].DifferenceSequence!.Value.Low);
    }

    [Fact]
    public void Analyze_LeaderNotYetEstablished_NoWinnerEvenIfAnotherVariantIs()
    {
        // B is established over A, but C looks better still on fewer requests: not yet a winner.
        var a = ExperimentStatistics.Analyze([new("A", 2000, 400), new("B", 2000, 520), new("C", 100, 28)]);
        Assert.True(a.Variants[1].AlwaysValidPValue < 0.025);
        Assert.Equal(VerdictKind.NoDifferenceYet, a.Verdict);
        Assert.Null(a.Winner);
    }

    [Fact]
    public void Analyze_BadInput_Rejected()
    {
        Assert.Throws<ArgumentException>(() => ExperimentStatistics.Analyze([new("A", 10, 11), new("B", 10, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentStatistics.Analyze([new("A", 10, 1), new("B", 10, 1)], 0));
        Assert.Equal(VerdictKind.NotEnoughData, ExperimentStatistics.Analyze([new("A", 1000, 100)]).Verdict);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentStatistics.Analyze(
            [new("A", 10, 1), new("B", 10, 1)], 0.05, new SequentialTestOptions { MixtureVariance = 0 }));
    }

    // ---- simulations with a known truth ------------------------------------------------------

    private const int Step = 50;
    private const int MaxPerVariant = 4000;

    /// <summary>
    /// True rates 20 % vs 30 %, looking after every 50 requests per variant. At 4,000 per variant the
    /// expected z is about 10 against a boundary near 3.1, so a miss is essentially impossible;
    /// 95 % of 200 runs leaves room only for the test being broken.
    /// </summary>
    [Fact]
    public void Simulation_RealDifference_BIsDeclaredWinner()
    {
        var rng = new Random(8_2026);
        var runs = Enumerable.Range(0, 200).Select(_ => Run(rng, 0.20, 0.30)).ToList();
        var bWins = runs.Count(r => r.Verdict == VerdictKind.Winner && r.Winner == "B");
        var wrong = runs.Count(r => r.Verdict == VerdictKind.ControlBest);
        Log($"B won {bWins} of 200, A declared best {wrong}; median stop at {runs.Select(r => r.StoppedAtTotal).Order().ElementAt(100)} requests");
        Assert.True(bWins >= 190, $"B won {bWins} of 200");
        Assert.True(wrong <= 2, $"A declared best in {wrong} of 200");
    }

    /// <summary>
    /// A/A: equal true rates, 80 looks. The always-valid test must keep any false claim (a winner or
    /// "control best") within α plus three binomial standard errors over 400 runs, while the textbook
    /// z-test at 1.96 repeated at every look must exceed 2α — the failure this test prevents. The
    /// 90:10 split at 5 % is where a variance taken from the small variant alone failed (9 %).
    /// </summary>
    [Theory]
    [InlineData(0.20, 50, 50)]
    [InlineData(0.05, 50, 50)]
    [InlineData(0.05, 90, 10)]
    [InlineData(0.02, 10, 90)]
    public void Simulation_NoDifference_FalseClaimsStayBelowAlphaWhereNaivePeekingFails(double rate, int stepA, int stepB)
    {
        const int n = 400;
        const double alpha = 0.05;
        var rng = new Random(17 + (int)(rate * 100) + stepA);
        var runs = Enumerable.Range(0, n).Select(_ => Run(rng, rate, rate, trackNaive: true, stepA: stepA, stepB: stepB)).ToList();

        var falseClaims = runs.Count(r => r.Verdict is VerdictKind.Winner or VerdictKind.ControlBest) / (double)n;
        var naive = runs.Count(r => r.NaiveRejected) / (double)n;
        var margin = 3 * Math.Sqrt(alpha * (1 - alpha) / n);
        Log($"rate {rate:P0}, split {stepA}:{stepB}: always-valid false claims {falseClaims:P2}, naive peeking {naive:P2}");
        Assert.True(falseClaims <= alpha + margin, $"false claims {falseClaims:P1} > {alpha + margin:P1}");
        Assert.True(naive > 2 * alpha, $"naive peeking z-test rejected only {naive:P1}");
    }

    /// <summary>
    /// The first estimate of "more requests needed" against when the test actually crossed. The early
    /// estimate rides on a noisy difference, so only the median ratio of actual to estimated stop is
    /// held, to [0.5, 1.5] (observed near 1).
    /// </summary>
    [Fact]
    public void Simulation_MoreRequestsNeeded_RoughlyPredictsTheCrossing()
    {
        var rng = new Random(42);
        var ratios = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var r = Run(rng, 0.20, 0.28, predictAtPerVariant: 100);
            if (r.Verdict == VerdictKind.Winner && r.PredictedTotal is { } predicted)
            {
                ratios.Add(r.StoppedAtTotal / (double)predicted);
            }
        }

        Assert.True(ratios.Count >= 100, $"only {ratios.Count} runs had a prediction and a winner");
        ratios.Sort();
        var median = ratios[ratios.Count / 2];
        Log($"{ratios.Count} runs; actual/predicted quartiles {ratios[ratios.Count / 4]:F2} {median:F2} {ratios[ratios.Count * 3 / 4]:F2}");
        Assert.InRange(median, 0.5, 1.5);
    }

    /// <summary>
    /// Three variants with unequal weights (2:1:1). A/A/A: the Bonferroni split keeps the chance of any
    /// false claim in the experiment within α (plus three binomial standard errors over 300 runs).
    /// A/A/C with C truly 8 points better: C is named the winner in nearly every run.
    /// </summary>
    [Fact]
    public void Simulation_ThreeVariantsUnequalWeights_FamilyWiseErrorHeldAndTheRealWinnerFound()
    {
        const int n = 300;
        const double alpha = 0.05;
        var rng = new Random(2026_11_25);
        int[] weights = [50, 25, 25];
        var null3 = Enumerable.Range(0, n).Select(_ => RunMany(rng, [0.20, 0.20, 0.20], weights)).ToList();
        var falseClaims = null3.Count(r => r.Verdict is VerdictKind.Winner or VerdictKind.ControlBest) / (double)n;
        var real = Enumerable.Range(0, 100).Select(_ => RunMany(rng, [0.20, 0.20, 0.28], weights)).ToList();
        var cWins = real.Count(r => r.Verdict == VerdictKind.Winner && r.Winner == "C");
        Log($"A/A/A false claims {falseClaims:P2}; C won {cWins} of 100");

        Assert.True(falseClaims <= alpha + 3 * Math.Sqrt(alpha * (1 - alpha) / n), $"false claims {falseClaims:P1}");
        Assert.True(cWins >= 90, $"C won {cWins} of 100");
    }

    private static (VerdictKind Verdict, string? Winner) RunMany(Random rng, double[] rates, int[] perLook)
    {
        var keys = new[] { "A", "B", "C" };
        var asked = new long[rates.Length];
        var converted = new long[rates.Length];
        for (var look = 0; look < MaxPerVariant / Step; look++)
        {
            for (var v = 0; v < rates.Length; v++)
            {
                for (var i = 0; i < perLook[v]; i++)
                {
                    converted[v] += rng.NextDouble() < rates[v] ? 1 : 0;
                }

                asked[v] += perLook[v];
            }

            var a = ExperimentStatistics.Analyze(Enumerable.Range(0, rates.Length).Select(v => new VariantCounts(keys[v], asked[v], converted[v])).ToList());
            if (a.Verdict is VerdictKind.Winner or VerdictKind.ControlBest)
            {
                return (a.Verdict, a.Winner);
            }
        }

        return (VerdictKind.NoDifferenceYet, null);
    }

    private sealed record SimulationRun(VerdictKind Verdict, string? Winner, long StoppedAtTotal, long? PredictedTotal, bool NaiveRejected);

    /// <summary>
    /// One experiment: <paramref name="stepA"/> and <paramref name="stepB"/> new requests per look, 80
    /// looks. The sequential verdict is the first Winner/ControlBest (the office would stop there); the
    /// naive tester keeps peeking with a pooled two-proportion z-test at 1.96 through all 80 looks.
    /// </summary>
    private static SimulationRun Run(
        Random rng, double pa, double pb, bool trackNaive = false, int predictAtPerVariant = -1, int stepA = Step, int stepB = Step)
    {
        long na = 0, nb = 0, xa = 0, xb = 0;
        long? predicted = null;
        SimulationRun? stopped = null;
        var naive = false;
        for (var look = 1; look <= MaxPerVariant / Step; look++)
        {
            for (var i = 0; i < stepA; i++)
            {
                xa += rng.NextDouble() < pa ? 1 : 0;
            }

            for (var i = 0; i < stepB; i++)
            {
                xb += rng.NextDouble() < pb ? 1 : 0;
            }

            (na, nb) = (na + stepA, nb + stepB);
            if (trackNaive)
            {
                var pooled = (xa + xb) / (double)(na + nb);
                var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
                naive |= se > 0 && Math.Abs((double)xb / nb - (double)xa / na) / se >= 1.959963984540054;
            }

            if (stopped is not null)
            {
                if (!trackNaive)
                {
                    break;
                }

                continue;
            }

            var a = ExperimentStatistics.Analyze([new("A", na, xa), new("B", nb, xb)]);
            if (look * Step == predictAtPerVariant && a.Verdict == VerdictKind.NoDifferenceYet && a.MoreRequestsNeeded is { } more)
            {
                predicted = na + nb + more;
            }

            if (a.Verdict is VerdictKind.Winner or VerdictKind.ControlBest)
            {
                stopped = new(a.Verdict, a.Winner, na + nb, predicted, false);
            }
        }

        return (stopped ?? new(VerdictKind.NoDifferenceYet, null, na + nb, predicted, false)) with { NaiveRejected = naive };
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>The model's statement of θ̂ and V (larger of unpooled and pooled), for counts away from 0 and n.</summary>
    private static (double Difference, double Variance) Normal(long xa, long na, long xb, long nb)
    {
        double pa = (double)xa / na, pb = (double)xb / nb, p = (double)(xa + xb) / (na + nb);
        return (pb - pa, Math.Max(pa * (1 - pa) / na + pb * (1 - pb) / nb, p * (1 - p) * (1.0 / na + 1.0 / nb)));
    }

    private static double Density(double x, double mean, double variance) =>
        Math.Exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);

    private static string Id(double points) => Math.Round(points, 1).ToString("0.0", CultureInfo.InvariantCulture).Replace('.', ',');

    private static string En(double points) => Math.Round(points, 1).ToString("0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"kira-kira (\d{1,3}(?:\.\d{3})+) permintaan lagi")]
    private static partial Regex IdMore();

    [GeneratedRegex(@"about (\d{1,3}(?:,\d{3})+) more requests")]
    private static partial Regex EnMore();
}
