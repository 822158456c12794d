using System.ComponentModel.DataAnnotations;

namespace Kabar.Experiments;

/// <summary><c>Kabar:Experiments</c>: defaults of new experiments.</summary>
public sealed class ExperimentOptions
{
    public const string Section = "Kabar:Experiments";

    /// <summary>A consent within this time of the ask counts as its conversion (SPEC §8); an experiment may set its own.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(14);
}
