using Kabar.Notifications;

namespace Kabar.Permits;

internal sealed record PermitNotificationResponse(Guid Id, string Type, NotificationState State, Guid? ContactId, DateTime DueAt);
