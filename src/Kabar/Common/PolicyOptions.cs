using System.ComponentModel.DataAnnotations;

namespace Kabar.Common;

/// <summary><c>Kabar:Policy</c>: the knobs of the decision and of inbound processing (SPEC §4, §5, §12).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Kabar:Policy";

    /// <summary>Meta's customer service window.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "2.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Taken off the window's end so a send that is slow to leave is not refused with 131047.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "02:00:00")]
    public TimeSpan WindowSafetyMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>No second opt-in request to a person within this time (decision rule 8).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan OptInCooldown { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a 131026 "not on WhatsApp" verdict stands before WhatsApp is tried again (rule 4).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan UndeliverableRecheck { get; set; } = TimeSpan.FromDays(30);

    [Required]
    public string TimeZone { get; set; } = "Asia/Jakarta";

    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);
    public TimeOnly QuietHoursEnd { get; set; } = new(7, 0);

    /// <summary>The region numbers without a country code belong to.</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string DefaultRegion { get; set; } = "ID";

    /// <summary>Whole-message keywords that withdraw <c>whatsapp</c>; empty means the defaults.</summary>
    public string[] OptOutKeywords { get; set; } = [];

    /// <summary>Whole-message keywords that withdraw only <c>whatsapp_marketing</c>; empty means the defaults.</summary>
    public string[] MarketingOptOutKeywords { get; set; } = [];

    /// <summary>Whole-message keywords that grant <c>whatsapp</c>; empty means the defaults.</summary>
    public string[] OptInKeywords { get; set; } = [];

    public static readonly string[] DefaultOptOutKeywords = ["STOP", "BERHENTI", "UNSUBSCRIBE"];
    public static readonly string[] DefaultMarketingOptOutKeywords = ["STOP PROMOSI", "STOP PROMOTIONS"];
    public static readonly string[] DefaultOptInKeywords = ["START", "MULAI", "SUBSCRIBE", "LANGGANAN"];
}
