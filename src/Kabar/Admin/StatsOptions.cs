using System.ComponentModel.DataAnnotations;

namespace Kabar.Admin;

/// <summary><c>Kabar:Stats</c>: how the dashboard's daily counts are kept.</summary>
internal sealed class StatsOptions
{
    public const string Section = "Kabar:Stats";

    /// <summary>
    /// A day's counts are recomputed on every run until this long after the day ended: delivery
    /// and read receipts, retries and fallbacks keep changing a day's figures for a while.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan RecomputeWindow { get; set; } = TimeSpan.FromDays(7);
}
