using System.Text.Json.Serialization;
using Kabar.Decisions;

namespace Kabar.Campaigns;

/// <summary>What the campaign did for one person.</summary>
public enum AskOutcome
{
    /// <summary>An opt-in request was queued.</summary>
    [JsonStringEnumMemberName("asked")] Asked,

    /// <summary>The person was selected but not asked (another request within the cooldown, chose meanwhile, no usable address).</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,
}

/// <summary>
/// One person in one campaign: unique per (campaign, contact), so nobody is asked twice by a
/// campaign even across restarts and several processes. Written in the same transaction as the
/// notification that carries the request and the contact's <c>LastOptInRequestAt</c>.
/// </summary>
public sealed class CampaignAsk
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid ContactId { get; set; }
    public AskOutcome Outcome { get; set; }

    /// <summary>Why a selected person was not asked.</summary>
    public string? SkipReason { get; set; }

    public Channel Channel { get; set; }
    public Guid? ExperimentId { get; set; }
    public string? VariantKey { get; set; }

    /// <summary>The <c>opt_in_request</c> notification; its opt-in token carries the same notification id.</summary>
    public Guid? NotificationId { get; set; }

    public DateTime AskedAt { get; set; }

    /// <summary>A consent granted before this counts as a conversion of the ask (the attribution window).</summary>
    public DateTime AttributionEndsAt { get; set; }

    /// <summary>The first time the link's page was shown (link previews count too; see docs/campaigns.md).</summary>
    public DateTime? OpenedAt { get; set; }
}
