namespace Kabar.Permits;

/// <summary>A person named in a permit: found or created by phone.</summary>
/// <param name="Phone">The phone number (0812-3456-7890 or +62…); a phone or an e-mail address is required.</param>
/// <param name="Name">The person's name.</param>
/// <param name="Email">The person's e-mail address.</param>
/// <param name="Language"><c>id</c> or <c>en</c>.</param>
public sealed record PersonRequest(string? Phone, string? Name, string? Email, string? Language);
