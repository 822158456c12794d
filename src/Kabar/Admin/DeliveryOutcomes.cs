using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Admin;

/// <summary>Which <see cref="DeliveryOutcome"/> a notification's state on a channel is.</summary>
internal static class DeliveryOutcomes
{
    /// <summary>The outcome, or null while the notification is on its way or after it was cancelled.</summary>
    public static DeliveryOutcome? Of(NotificationState state, Channel channel) => state switch
    {
        NotificationState.Delivered or NotificationState.Read => DeliveryOutcome.Reached,
        NotificationState.Sent when channel == Channel.Email => DeliveryOutcome.Reached,
        NotificationState.Sent => DeliveryOutcome.SentNoReport,
        NotificationState.Failed => DeliveryOutcome.Failed,
        NotificationState.Skipped => DeliveryOutcome.Skipped,
        _ => null,
    };
}
