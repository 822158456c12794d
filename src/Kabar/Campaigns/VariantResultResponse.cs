namespace Kabar.Campaigns;

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
