namespace Kabar.Contacts;

internal sealed record ConsentLedgerResponse(Guid ContactId, ConsentStates Consent, string? Head, IReadOnlyList<ConsentEventResponse> Events);
