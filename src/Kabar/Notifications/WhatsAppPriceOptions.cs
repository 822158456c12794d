using System.ComponentModel.DataAnnotations;

namespace Kabar.Notifications;

/// <summary>
/// <c>Kabar:WhatsApp:Prices</c>: USD per delivered billable message in Indonesia (SPEC §1; third-party
/// rate tables, so configurable). Used for the cost estimate only.
/// </summary>
public sealed class WhatsAppPriceOptions
{
    public const string Section = "Kabar:WhatsApp:Prices";

    [Range(0, 10)]
    public double Marketing { get; set; } = 0.0411;

    [Range(0, 10)]
    public double Utility { get; set; } = 0.0250;

    [Range(0, 10)]
    public double Authentication { get; set; } = 0.0250;

    /// <summary>
    /// Rupiah per US dollar, for showing the estimate in rupiah beside dollars (Meta bills in USD).
    /// A rounded recent rate; the office sets the one its finance department uses.
    /// </summary>
    [Range(1000, 100_000, ErrorMessage = "Kabar:WhatsApp:Prices:UsdToIdr must be the rupiah per US dollar, between {1} and {2} (for example 16500).")]
    public double UsdToIdr { get; set; } = 16_500;

    public double For(string? category) => category switch
    {
        "marketing" or "marketing_lite" => Marketing,
        "utility" => Utility,
        "authentication" or "authentication-international" => Authentication,
        _ => 0,
    };
}
