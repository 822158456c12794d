namespace Kabar.Consent;

/// <summary>A consent text as shown to people, stored once and referenced by version and hash.</summary>
public sealed class ConsentText
{
    public string Version { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Language { get; set; } = "id";
    public string Text { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
