namespace Kabar.Permits;

/// <summary>A document of a permit waiting for a signature or an approval.</summary>
/// <param name="Name">The document's name.</param>
/// <param name="Role"><c>staff</c> (to sign) or <c>official</c> (to approve).</param>
/// <param name="AssigneeContactId">The contact who must sign or approve.</param>
/// <param name="PendingSince">When the current wait began, ISO 8601 UTC.</param>
/// <param name="DoneAt">When it was signed or approved, ISO 8601 UTC; null while pending.</param>
internal sealed record DocumentResponse(string Name, AssigneeRole Role, Guid AssigneeContactId, DateTime PendingSince, DateTime? DoneAt);
