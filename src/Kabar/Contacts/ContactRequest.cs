namespace Kabar.Contacts;

/// <summary><c>POST /api/contacts</c> (SPEC §13).</summary>
internal sealed record ContactRequest(string? Phone, string? Name, string? Email, string? Language, ConsentRequest? Consent);
