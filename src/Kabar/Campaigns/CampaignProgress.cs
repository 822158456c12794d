namespace Kabar.Campaigns;

/// <summary>
/// A campaign's figures. <c>eligible</c> = asked + skipped + waiting; <c>opened</c> and
/// <c>confirmed</c> count asked people; <c>confirmed</c> is a WhatsApp consent granted within the
/// attribution window by the campaign's link or an opt-in keyword.
/// </summary>
/// <param name="Eligible">People the campaign concerns so far: asked + skipped + failed + waiting.</param>
/// <param name="Waiting">People in the segment not asked yet (0 once completed).</param>
/// <param name="Asked">People sent an opt-in request that counts (not skipped or failed).</param>
/// <param name="Skipped">People not asked: no address on the channel, asked recently, or they chose before the request went out.</param>
/// <param name="Failed">Requests that failed or were cancelled.</param>
/// <param name="Opened">Asked people who opened their opt-in link.</param>
/// <param name="Confirmed">Asked people who granted WhatsApp consent within the attribution window, by the link or an opt-in keyword.</param>
/// <param name="ConfirmRate">confirmed / asked, a fraction (0.25 is 25 %); null before anyone is asked.</param>
/// <param name="AskedToday">People asked today, in the office's time zone; at most the daily cap.</param>
/// <param name="Days">Asked, opened and confirmed per day of asking, newest day first.</param>
/// <param name="SkipReasons">Skipped people by reason: <c>no_address</c>, <c>asked_recently_or_chose</c>, <c>chose_before_sending</c>.</param>
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
