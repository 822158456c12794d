namespace Kabar.Campaigns;

/// <summary>One variant's figures: requests, conversions, rate with its 95 % interval, and its comparison to the control.</summary>
/// <param name="Key">The variant's key.</param>
/// <param name="Weight">Its share of the people asked, relative to the others' weights.</param>
/// <param name="Sms">Its SMS text, or null for the standard text.</param>
/// <param name="Email">Its e-mail text, or null for the standard text.</param>
/// <param name="Asked">People asked with this variant (over every campaign that used the experiment).</param>
/// <param name="Converted">Of those, people who granted WhatsApp consent within the attribution window.</param>
/// <param name="Rate">converted / asked, a fraction (0.12 is 12 %); 0 when nobody was asked.</param>
/// <param name="Wilson95">The 95 % Wilson interval of the rate, as fractions.</param>
/// <param name="DifferenceFromControl">This rate minus the control's, a fraction; null for the control itself.</param>
/// <param name="DifferenceSequence">The always-valid (sequential) confidence interval of that difference, which may be looked at any time; null for the control.</param>
/// <param name="AlwaysValidPValue">The always-valid p-value of the difference from the control, 0 to 1; null for the control.</param>
public sealed record VariantResultResponse(
    string Key,
    int Weight,
    TextRequest? Sms,
    TextRequest? Email,
    long Asked,
    long Converted,
    double Rate,
    IntervalResponse Wilson95,
    double? DifferenceFromControl,
    IntervalResponse? DifferenceSequence,
    double? AlwaysValidPValue);
