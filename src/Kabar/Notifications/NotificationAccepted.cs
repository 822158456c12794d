using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>202 answer: the id, the state and the first decision.</summary>
internal sealed record NotificationAccepted(Guid Id, NotificationState State, Decision? Decision);
