namespace Kabar.Notifications;

/// <summary>A page of notifications, newest first.</summary>
/// <param name="Items">The notifications of this page.</param>
/// <param name="Next">The cursor of the next page, to pass as <c>after</c>; null on the last page.</param>
internal sealed record NotificationPage(IReadOnlyList<NotificationResponse> Items, string? Next);
