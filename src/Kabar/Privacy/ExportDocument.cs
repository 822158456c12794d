using Kabar.Permits;

namespace Kabar.Privacy;

public sealed record ExportDocument(Guid Id, Guid PermitId, string Name, AssigneeRole Role, DateTime PendingSince, DateTime? DoneAt);
