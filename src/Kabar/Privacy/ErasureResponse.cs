namespace Kabar.Privacy;

/// <summary>The answer to an erasure: the request as recorded and what it removed.</summary>
/// <param name="ContactId">The erased contact's id, which stays.</param>
/// <param name="ErasedAt">When its personal data was erased, ISO 8601 UTC.</param>
/// <param name="Request">The erasure request as recorded in the register.</param>
internal sealed record ErasureResponse(Guid ContactId, DateTime ErasedAt, DataSubjectRequestResponse Request);
