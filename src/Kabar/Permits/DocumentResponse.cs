namespace Kabar.Permits;

internal sealed record DocumentResponse(string Name, AssigneeRole Role, Guid AssigneeContactId, DateTime PendingSince, DateTime? DoneAt);
