using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Kabar.Secrets;

/// <summary>
/// Encrypts Data Protection key material with the key-encryption key (AES-256-GCM), so the keys
/// stored in the database are useless without <c>Kabar:DataProtection:Key</c>.
/// </summary>
internal sealed class KekXmlEncryptor(KeyEncryptionKeys keys) : IXmlEncryptor
{
    internal const string ElementName = "kekEncryptedKey";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Binds the ciphertext to its use: a value cut from elsewhere does not decrypt here.</summary>
    internal static readonly byte[] Aad = Encoding.ASCII.GetBytes("kabar:data-protection:key:v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var key = keys.Current ?? throw new InvalidOperationException("No key-encryption key to encrypt with.");
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Aad);
        }

        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement(ElementName,
            new XComment(" Encrypted with Kabar:DataProtection:Key (AES-256-GCM) "),
            new XAttribute("kek", keys.CurrentId!),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KekXmlDecryptor));
    }

    /// <summary>The id of the key that encrypted <paramref name="encrypted"/>.</summary>
    internal static string? KeyId(XElement encrypted) => (string?)encrypted.Attribute("kek");

    internal static XElement Decrypt(XElement encrypted, KeyEncryptionKeys keys)
    {
        var id = KeyId(encrypted) ?? throw new CryptographicException("The encrypted key names no key-encryption key.");
        var key = keys.Find(id) ?? throw new CryptographicException(
            $"A Data Protection key was encrypted with a key-encryption key (id {id}) that is neither {KeyEncryptionKeys.KeySetting} " +
            $"nor one of {KeyEncryptionKeys.PreviousKeysSetting}.");
        var sealedBytes = Convert.FromBase64String((string?)encrypted.Element("value") ?? "");
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted Data Protection key is truncated.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length),
                sealedBytes.AsSpan(NonceSize + plain.Length), plain, Aad);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}

/// <summary>
/// The other half of <see cref="KekXmlEncryptor"/>. Data Protection creates decryptors by type, with
/// its service provider, when it reads the key ring.
/// </summary>
internal sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyEncryptionKeys keys = services.GetRequiredService<KeyEncryptionKeys>();

    public XElement Decrypt(XElement encryptedElement) => KekXmlEncryptor.Decrypt(encryptedElement, keys);
}
