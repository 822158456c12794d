using System.ComponentModel.DataAnnotations;

namespace Kabar.Campaigns;

/// <summary><c>Kabar:Campaigns</c>: how the <c>opt-in-campaigns</c> job paces campaigns.</summary>
internal sealed class CampaignOptions
{
    public const string Section = "Kabar:Campaigns";

    /// <summary>At most this many asks per campaign per job run; the daily cap is spread over the sending hours.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}
