namespace Kabar.Privacy;

/// <summary>One data subject request and its answer, as kept in the register (UU PDP Art. 31).</summary>
/// <param name="Id">The request's id.</param>
/// <param name="ContactId">The contact it concerns (the id stays after erasure).</param>
/// <param name="Kind"><c>access</c>, <c>rectification</c> or <c>erasure</c>.</param>
/// <param name="RequestedBy">Who asked Kabar: <c>api:</c> and the API key's name, or <c>operator:</c> and the console user's e-mail.</param>
/// <param name="Reference">The office's own case number (a letter, a ticket), when given.</param>
/// <param name="ReceivedAt">When the person's request reached the office, ISO 8601 UTC.</param>
/// <param name="AnsweredAt">When Kabar answered it, ISO 8601 UTC.</param>
/// <param name="Outcome"><c>fulfilled</c>, <c>no_change</c> (already so, or already erased) or <c>refused</c>.</param>
/// <param name="Detail">What was done, in words without personal data (fields changed, rows erased).</param>
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
