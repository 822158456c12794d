namespace Kabar.Privacy;

/// <summary>A consent text the person was shown, as registered.</summary>
/// <param name="Version">The text's version, as events name it.</param>
/// <param name="Hash">SHA-256 (hex) of the text.</param>
/// <param name="Language"><c>id</c> or <c>en</c>.</param>
/// <param name="Text">The exact text.</param>
public sealed record ExportConsentText(string Version, string Hash, string Language, string Text);
