using Kabar.Permits;

namespace Kabar.Privacy;

/// <summary>A permit document assigned to the person to sign or approve.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="PermitId">The permit it belongs to.</param>
/// <param name="Name">The document's name.</param>
/// <param name="Role"><c>staff</c> (to sign) or <c>official</c> (to approve).</param>
/// <param name="PendingSince">When it was assigned, ISO 8601 UTC.</param>
/// <param name="DoneAt">When it was signed or approved, ISO 8601 UTC; null while pending.</param>
public sealed record ExportDocument(Guid Id, Guid PermitId, string Name, AssigneeRole Role, DateTime PendingSince, DateTime? DoneAt);
