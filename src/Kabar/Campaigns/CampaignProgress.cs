namespace Kabar.Campaigns;

/// <summary>
/// A campaign's figures. <c>eligible</c> = asked + skipped + waiting; <c>opened</c> and
/// <c>confirmed</c> count asked people; <c>confirmed</c> is a WhatsApp consent granted within the
/// attribution window by the campaign's link or an opt-in keyword.
/// </summary>
public sealed record CampaignProgress(
    long Eligible,
    long Waiting,
    long Asked,
    long Skipped,
    long Failed,
    long Opened,
    long Confirmed,
    double? ConfirmRate,
    long AskedToday,
    IReadOnlyList<CampaignDay> Days,
    IReadOnlyDictionary<string, long> SkipReasons);
