namespace Kabar.Privacy;

public sealed record DataSubjectRequestResponse(
    Guid Id,
    Guid ContactId,
    DataSubjectRequestKind Kind,
    string RequestedBy,
    string? Reference,
    DateTime ReceivedAt,
    DateTime AnsweredAt,
    DataSubjectRequestOutcome Outcome,
    string? Detail);
