using System.ComponentModel.DataAnnotations;
using Kabar.Channels;

namespace Kabar.Common;

/// <summary><c>Kabar</c>: settings that belong to no one feature.</summary>
public sealed class KabarOptions
{
    public const string Section = "Kabar";

    /// <summary>Where citizens reach Kabar; opt-in and opt-out links start with it.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The folder Kabar writes to (the SQLite file, the e-mail outbox, exports); a relative path is
    /// under the application's folder. See <see cref="DataFolder"/>.
    /// </summary>
    public string DataPath { get; set; } = DataFolder.DefaultName;
}

/// <summary><c>Kabar:Office</c>: the office people agree to hear from. Consent texts name it (SPEC §1, §3).</summary>
public sealed class OfficeOptions
{
    public const string Section = "Kabar:Office";

    [Required, MinLength(3)]
    public string Name { get; set; } = "DPMPTSP Kabupaten Karo";
}

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

/// <summary><c>Kabar:Sms</c>: the provider and where SMS may go; checked by <see cref="SmsOptionsValidator"/>.</summary>
public sealed class SmsOptions
{
    public const string Section = "Kabar:Sms";

    /// <summary><c>Simulator</c>, <c>Twilio</c> or <c>Http</c>.</summary>
    public string Provider { get; set; } = "Simulator";

    /// <summary>Regions SMS may go to (SMS pumping fraud targets premium foreign numbers).</summary>
    public string[] AllowedCountries { get; set; } = [];

    public IReadOnlyList<string> EffectiveAllowedCountries => AllowedCountries.Length > 0 ? AllowedCountries : ["ID"];

    /// <summary><c>Kabar:Sms:Http</c>: a generic HTTP gateway, used when <see cref="Provider"/> is <c>Http</c>.</summary>
    public SmsHttpOptions Http { get; set; } = new();

    /// <summary><c>Kabar:Sms:Twilio</c>: used when <see cref="Provider"/> is <c>Twilio</c>.</summary>
    public SmsTwilioOptions Twilio { get; set; } = new();
}
