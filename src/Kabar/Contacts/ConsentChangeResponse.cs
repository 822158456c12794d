namespace Kabar.Contacts;

/// <summary><c>POST /api/contacts/{id}/consent</c>: the event recorded and the contact as it now is.</summary>
/// <param name="Event">The event appended to the consent ledger; null when nothing was recorded.</param>
/// <param name="Contact">The contact after the change, with its consent per scope.</param>
internal sealed record ConsentChangeResponse(ConsentEventResponse? Event, ContactResponse Contact);
