using Kabar.Permits;

namespace Kabar.Inbox;

/// <summary>A permit of a person in the inbox: what it is and where it stands.</summary>
public sealed record InboxPermit(Guid Id, Guid HolderContactId, string Number, string PermitType, PermitStatus Status);
