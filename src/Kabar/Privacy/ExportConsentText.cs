namespace Kabar.Privacy;

public sealed record ExportConsentText(string Version, string Hash, string Language, string Text);
