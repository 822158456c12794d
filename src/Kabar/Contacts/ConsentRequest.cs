namespace Kabar.Contacts;

/// <summary>A consent change with its evidence: inside a contact request or on its own.</summary>
internal sealed record ConsentRequest(
    string? Scope,
    bool? Granted,
    string? Source,
    string? TextVersion,
    string? Text,
    string? Ip,
    string? UserAgent,
    string? Operator,
    string? Note,
    DateTime? OccurredAt);
