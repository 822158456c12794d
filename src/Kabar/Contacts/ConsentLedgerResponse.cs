namespace Kabar.Contacts;

/// <summary><c>GET /api/contacts/{id}/consent</c>: the contact's consent ledger, oldest first.</summary>
/// <param name="ContactId">The contact's id.</param>
/// <param name="Consent">The current consent per scope, as the ledger leaves it.</param>
/// <param name="Head">The hash of the latest event (the chain's head); null when the ledger is empty.</param>
/// <param name="Events">Every consent event, oldest first.</param>
internal sealed record ConsentLedgerResponse(Guid ContactId, ConsentStates Consent, string? Head, IReadOnlyList<ConsentEventResponse> Events);
