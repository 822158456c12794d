namespace Kabar.Privacy;

/// <summary>The answer to an erasure: the request as recorded and what it removed.</summary>
internal sealed record ErasureResponse(Guid ContactId, DateTime ErasedAt, DataSubjectRequestResponse Request);
