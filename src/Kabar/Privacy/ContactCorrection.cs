namespace Kabar.Privacy;

/// <summary><c>PATCH /api/contacts/{id}</c>: only the fields given are changed; an empty string clears the e-mail.</summary>
/// <param name="Name">The person's corrected name.</param>
/// <param name="Email">The corrected e-mail address (name@example.id); an empty string removes it.</param>
/// <param name="Language"><c>id</c> or <c>en</c>: the language of the texts sent.</param>
/// <param name="Phone">Not correctable here: a new number is a new contact (the field is refused when given).</param>
/// <param name="Reference">The office's own case number for the request (a letter, a ticket), at most 100 characters.</param>
/// <param name="ReceivedAt">When the person's request reached the office, ISO 8601, not in the future; default now.</param>
public sealed record ContactCorrection(string? Name, string? Email, string? Language, string? Phone = null, string? Reference = null,
    DateTime? ReceivedAt = null);
