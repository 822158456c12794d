namespace Kabar.Contacts;

/// <summary>
/// <c>POST /api/contacts</c> (SPEC §13): creates the person, or updates the one with the same
/// normalised phone. Fields left out keep their stored value.
/// </summary>
/// <param name="Phone">The person's phone number as the office has it: an Indonesian number (0812-3456-7890, 62812…) or any number in international form (+…).</param>
/// <param name="Name">The person's name, at most 200 characters.</param>
/// <param name="Email">An e-mail address for fallback notices.</param>
/// <param name="Language"><c>id</c> (Bahasa Indonesia, the default) or <c>en</c>: the language of the texts sent.</param>
/// <param name="Consent">A consent given or withdrawn now, with its evidence; recorded only when it changes the state or brings a new text version.</param>
public sealed record ContactRequest(string? Phone, string? Name = null, string? Email = null, string? Language = null, ConsentRequest? Consent = null);
