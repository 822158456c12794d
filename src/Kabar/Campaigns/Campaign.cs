using System.Text.Json.Serialization;

namespace Kabar.Campaigns;

/// <summary>Where a campaign stands: drafted, asking, held by an operator, or done.</summary>
public enum CampaignState
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("completed")] Completed,
}

/// <summary>Which channels a campaign may ask on. <c>both</c> asks each person once, by SMS when possible, else by e-mail.</summary>
public enum CampaignChannels
{
    [JsonStringEnumMemberName("sms")] Sms,
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("both")] Both,
}

/// <summary>
/// An opt-in campaign (SPEC §8): opt-in requests by SMS and/or e-mail to the contacts of a segment
/// whose WhatsApp consent is unknown, at most <see cref="DailyCap"/> a day, only within the sending
/// hours of the office's day. The asks themselves are <see cref="CampaignAsk"/> rows, which are also
/// what lets a restarted campaign resume where it stood.
/// </summary>
public sealed class Campaign
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public CampaignState State { get; set; }

    /// <summary>Only holders (permits) or applicants (registration form) of this permit type; null for everyone.</summary>
    public string? PermitType { get; set; }

    /// <summary>Only contacts Kabar first recorded on or after this office-zone date.</summary>
    public DateOnly? RegisteredFrom { get; set; }

    /// <summary>Only contacts Kabar first recorded on or before this office-zone date.</summary>
    public DateOnly? RegisteredTo { get; set; }

    public CampaignChannels Channels { get; set; }
    public int DailyCap { get; set; }

    /// <summary>Office-zone time of day from which asks are queued.</summary>
    public TimeOnly SendFrom { get; set; }

    /// <summary>Office-zone time of day until which asks are queued (exclusive).</summary>
    public TimeOnly SendUntil { get; set; }

    /// <summary>The experiment whose variant texts the requests use; null for the catalog text.</summary>
    public Guid? ExperimentId { get; set; }

    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
