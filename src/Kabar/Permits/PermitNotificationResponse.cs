using Kabar.Notifications;

namespace Kabar.Permits;

/// <summary>A notification about a permit, in brief; read it whole at <c>GET /api/notifications/{id}</c>.</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="Type">The notification type (<c>permit_ready</c>, <c>status_update</c>, <c>expiry_reminder</c>…).</param>
/// <param name="State">Where it is: queued, scheduled, sending, sent, delivered, read, failed, skipped or cancelled.</param>
/// <param name="ContactId">The contact notified.</param>
/// <param name="DueAt">Not sent before this time, ISO 8601 UTC.</param>
internal sealed record PermitNotificationResponse(Guid Id, string Type, NotificationState State, Guid? ContactId, DateTime DueAt);
