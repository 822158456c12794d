using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Inbox;

/// <summary>
/// One line of a conversation: a message from the person (<see cref="FromPerson"/>) or a text
/// answer to them, with how far it got and the channel that carried it.
/// </summary>
public sealed record ConversationEntry(
    DateTime At,
    bool FromPerson,
    string? Text,
    string? MessageType,
    string? Effect,
    Guid? NotificationId,
    string? ReplyType,
    NotificationState? State,
    Channel Channel = Channel.None);
