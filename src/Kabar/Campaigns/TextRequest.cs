namespace Kabar.Campaigns;

/// <summary>A text in Indonesian and English.</summary>
/// <param name="Id">The text in Indonesian, at most 1000 characters, with the placeholders <c>{link}</c> and <c>{office_name}</c>.</param>
/// <param name="En">The text in English, at most 1000 characters, with the placeholders <c>{link}</c> and <c>{office_name}</c>.</param>
public sealed record TextRequest(string? Id, string? En);
