using System.Text.Json.Serialization;
using Kabar.Notifications;

namespace Kabar.Campaigns;

public enum ExperimentState
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("stopped")] Stopped,
}

/// <summary>
/// An A/B test of opt-in request texts (SPEC §8). Variants are stored as JSON: they are read and
/// written whole, and never queried by their fields.
/// </summary>
public sealed class Experiment
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public ExperimentState State { get; set; }

    /// <summary><see cref="ExperimentVariant"/>s as JSON; the first is the control.</summary>
    public string VariantsJson { get; set; } = "[]";

    /// <summary>A consent within this many days of the ask is a conversion.</summary>
    public int AttributionDays { get; set; }

    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One variant: its key, weight and request texts per channel. A missing text uses the catalog's
/// <c>opt_in_request</c> text for that channel. Texts carry <c>{link}</c> and <c>{office_name}</c>;
/// the stop link is always appended.
/// </summary>
public sealed record ExperimentVariant(string Key, int Weight, LocalizedText? Sms, LocalizedText? Email);
