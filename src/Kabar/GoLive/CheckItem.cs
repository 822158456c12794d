using Kabar.Notifications;

namespace Kabar.GoLive;

/// <summary>One line of the go-live check: what was checked, what was found and, when it is not right, how to fix it.</summary>
public sealed record CheckItem(string Item, CheckState State, LocalizedText Detail, LocalizedText? Fix = null);
