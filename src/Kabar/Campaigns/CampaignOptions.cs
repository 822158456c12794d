using System.ComponentModel.DataAnnotations;

namespace Kabar.Campaigns;

/// <summary><c>Kabar:Campaigns</c>: how the <c>opt-in-campaigns</c> job paces campaigns.</summary>
public sealed class CampaignOptions
{
    public const string Section = "Kabar:Campaigns";

    /// <summary>At most this many asks per campaign per job run; the daily cap is spread over the sending hours.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

/// <summary><c>Kabar:Experiments</c>: defaults of new experiments.</summary>
public sealed class ExperimentOptions
{
    public const string Section = "Kabar:Experiments";

    /// <summary>A consent within this time of the ask counts as its conversion (SPEC §8); an experiment may set its own.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(14);
}
