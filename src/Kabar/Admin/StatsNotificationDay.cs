using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Admin;

/// <summary>Notifications created on one office day, by state, channel and whether a campaign asked.</summary>
public sealed class StatsNotificationDay
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public NotificationState State { get; set; }
    public Channel Channel { get; set; }

    /// <summary>Opt-in requests of a campaign: asked for on purpose by SMS or e-mail, so never a fallback.</summary>
    public bool CampaignAsk { get; set; }
    public long Count { get; set; }
}
