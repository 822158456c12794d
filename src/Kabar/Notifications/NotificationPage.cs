namespace Kabar.Notifications;

internal sealed record NotificationPage(IReadOnlyList<NotificationResponse> Items, string? Next);
