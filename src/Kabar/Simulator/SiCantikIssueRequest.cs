namespace Kabar.Simulator;

/// <summary>
/// <c>POST {control}/applications/{id}/issue</c>; no body or no date: the permit type's usual validity;
/// no number: the next in the type's style.
/// </summary>
internal sealed record SiCantikIssueRequest(DateOnly? Expires = null, string? NoSurat = null);
