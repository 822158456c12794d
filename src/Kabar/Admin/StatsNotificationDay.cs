using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Admin;

/// <summary>Notifications created on one office day, by state and channel.</summary>
public sealed class StatsNotificationDay
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public NotificationState State { get; set; }
    public Channel Channel { get; set; }
    public long Count { get; set; }
}
