namespace Kabar.Experiments;

/// <summary>How many people one variant asked and how many of them granted consent in the attribution window.</summary>
public sealed record VariantCounts(string Key, long Asked, long Converted);

/// <summary>A two-sided interval on a proportion or a difference of proportions.</summary>
public readonly record struct Interval(double Low, double High);

public enum VerdictKind
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
public sealed record VariantResult(
    string Key,
    long Asked,
    long Converted,
    double Rate,
    Interval Wilson95,
    double? DifferenceFromControl,
    Interval? DifferenceSequence,
    double? AlwaysValidPValue);

/// <summary>The analysis of an experiment at the moment it is looked at.</summary>
public sealed record ExperimentAnalysis(
    IReadOnlyList<VariantResult> Variants,
    VerdictKind Verdict,
    string? Winner,
    long? MoreRequestsNeeded,
    string SummaryId,
    string SummaryEn);

/// <summary>
/// The statistics of opt-in request experiments (SPEC §8): Wilson intervals per variant and an
/// always-valid sequential comparison of each variant against the control (the first variant), so
/// the office may look every day without inflating false winners.
/// </summary>
public static class ExperimentStatistics
{
    /// <summary>The Wilson score interval for <paramref name="successes"/> out of <paramref name="trials"/>.</summary>
    public static Interval Wilson(long successes, long trials, double z = 1.959963984540054) =>
        throw new NotImplementedException();

    /// <summary>Analyses variants; <paramref name="variants"/>[0] is the control.</summary>
    public static ExperimentAnalysis Analyze(IReadOnlyList<VariantCounts> variants, double alpha = 0.05) =>
        throw new NotImplementedException();
}
