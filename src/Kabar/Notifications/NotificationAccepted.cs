using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>202 answer: the id, the state and the first decision.</summary>
/// <param name="Id">The notification's id; read its progress at <c>GET /api/notifications/{id}</c>.</param>
/// <param name="State"><c>queued</c>, or <c>scheduled</c> when <c>sendAt</c> is later; a replay of the same request answers the notification's current state.</param>
/// <param name="Decision">The channel decision when the notification was accepted; the dispatcher decides again when it sends.</param>
internal sealed record NotificationAccepted(Guid Id, NotificationState State, Decision? Decision);
