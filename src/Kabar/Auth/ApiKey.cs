namespace Kabar.Auth;

/// <summary>
/// A named API key. Only the SHA-256 of the key is stored: keys are 240-bit random strings, so a
/// fast hash is as safe as a slow one and keeps each request to one indexed lookup.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The key's first characters, to recognise it in lists (<c>kabar_AbCd…</c>).</summary>
    public string Prefix { get; set; } = "";

    public string Hash { get; set; } = "";

    /// <summary><c>write</c> (read and change) or <c>read</c>.</summary>
    public string Rights { get; set; } = ApiRights.Write;

    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public static class ApiRights
{
    public const string Read = "read";
    public const string Write = "write";
}
