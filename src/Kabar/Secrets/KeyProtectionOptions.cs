namespace Kabar.Secrets;

/// <summary>
/// <c>Kabar:DataProtection</c>: the key-encryption key that keeps Kabar's secrets at rest apart
/// from its database (docs/deploying.md "The key-encryption key"). Either a symmetric key or a
/// certificate; without either, sandbox mode generates a key file in the data folder and real
/// WhatsApp credentials stop start-up.
/// </summary>
internal sealed class KeyProtectionOptions
{
    public const string Section = "Kabar:DataProtection";

    /// <summary>A base64 256-bit key (<c>openssl rand -base64 32</c>), given as <c>Kabar__DataProtection__Key</c>.</summary>
    public string? Key { get; set; }

    /// <summary>Keys used before <see cref="Key"/>: accepted for reading, and what they protect is encrypted again with <see cref="Key"/> on start.</summary>
    public List<string> PreviousKeys { get; set; } = [];

    /// <summary>A PKCS#12 (.pfx) file with a private key, instead of <see cref="Key"/>.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}
