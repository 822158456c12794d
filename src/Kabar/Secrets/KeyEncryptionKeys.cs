using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kabar.Common;

namespace Kabar.Secrets;

/// <summary>
/// The key-encryption keys (KEKs) this process holds: the current one, which encrypts, and previous
/// ones, which only decrypt. Each is named by a short id derived from it, written beside what it
/// encrypted, so a rotation knows which key to use.
/// </summary>
internal sealed class KeyEncryptionKeys
{
    public const string KeySetting = KeyProtectionOptions.Section + ":Key";
    public const string PreviousKeysSetting = KeyProtectionOptions.Section + ":PreviousKeys";
    public const string CertificatePathSetting = KeyProtectionOptions.Section + ":CertificatePath";

    /// <summary>The sandbox's generated key, in the data folder beside the SQLite file.</summary>
    public const string SandboxFileName = "data-protection.key";

    private readonly Dictionary<string, byte[]> byId = new(StringComparer.Ordinal);

    private KeyEncryptionKeys(byte[]? current, IEnumerable<byte[]> previous, X509Certificate2? certificate, string source, string? notice)
    {
        Current = current;
        CurrentId = current is null ? null : IdOf(current);
        Certificate = certificate;
        Source = source;
        Notice = notice;
        foreach (var key in previous.Prepend(current).OfType<byte[]>())
        {
            byId.TryAdd(IdOf(key), key);
        }
    }

    /// <summary>The symmetric key that encrypts, or null when a certificate does.</summary>
    public byte[]? Current { get; }

    public string? CurrentId { get; }

    public X509Certificate2? Certificate { get; }

    /// <summary>Where the key came from, for the start-up log: a setting or the sandbox key file. Never the key.</summary>
    public string Source { get; }

    /// <summary>A warning to log once the host runs (a generated sandbox key).</summary>
    public string? Notice { get; }

    public byte[]? Find(string id) => byId.GetValueOrDefault(id);

    public static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Encoding.ASCII.GetBytes("kabar-kek-id:"), .. key]))[..16];

    /// <summary>
    /// The keys the settings name. A missing key is an error when <paramref name="sandbox"/> is false;
    /// in sandbox mode a key is generated once into the data folder (mode 0600) and reused.
    /// </summary>
    public static KeyEncryptionKeys Resolve(IConfiguration configuration, DataFolder data, bool sandbox)
    {
        var options = configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new();
        var previous = options.PreviousKeys.Select((k, i) => Parse(k, $"{PreviousKeysSetting}:{i}")).ToList();
        var file = data.Resolve(SandboxFileName);

        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(data.Resolve(options.CertificatePath), options.CertificatePassword,
                    X509KeyStorageFlags.EphemeralKeySet);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new KabarConfigurationException(
                    $"{CertificatePathSetting} ({options.CertificatePath}) cannot be loaded as a PKCS#12 certificate with its private key " +
                    $"(check the file and {KeyProtectionOptions.Section}:CertificatePassword): {ex.Message}", ex);
            }

            if (!certificate.HasPrivateKey)
            {
                throw new KabarConfigurationException($"{CertificatePathSetting} ({options.CertificatePath}) holds no private key; Kabar needs it to read its keys.");
            }

            return new KeyEncryptionKeys(null, previous, certificate, CertificatePathSetting, null);
        }

        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            // A key generated while the installation ran in sandbox mode still opens what it encrypted.
            if (ReadFile(file) is { } generated)
            {
                previous.Add(generated);
            }

            return new KeyEncryptionKeys(Parse(options.Key, KeySetting), previous, null, KeySetting, null);
        }

        if (!sandbox)
        {
            throw new KabarConfigurationException(
                $"{KeySetting} is not set, and real WhatsApp credentials are configured (Kabar:WhatsApp:Numbers:N:AccessToken). " +
                "Kabar encrypts its Data Protection keys and stored secrets with this key, kept outside the database. " +
                "Make one with `openssl rand -base64 32` and give it in the environment as Kabar__DataProtection__Key " +
                $"(the same on every instance), or set {CertificatePathSetting}. See docs/deploying.md.");
        }

        var key = ReadFile(file) ?? CreateFile(file);
        return new KeyEncryptionKeys(key, previous, null, file,
            $"{KeySetting} is not set: sandbox mode uses the generated key in {file}. Set {KeySetting} before going live (docs/deploying.md).");
    }

    /// <summary>A base64 256-bit key, or a start-up error naming <paramref name="setting"/>.</summary>
    public static byte[] Parse(string value, string setting)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new KabarConfigurationException(
                $"{setting} is not base64. It must be a base64 256-bit key, for example the output of `openssl rand -base64 32`.");
        }

        return key.Length == 32
            ? key
            : throw new KabarConfigurationException(
                $"{setting} is {key.Length} bytes; it must be 32 bytes (256 bits) in base64, for example the output of `openssl rand -base64 32`.");
    }

    private static byte[]? ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Writes a new key readable by this user only. Two processes starting together both try; the
    /// file is moved into place without replacing, so the loser reads the winner's key.
    /// </summary>
    private static byte[] CreateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, Encoding.ASCII, fileOptions))
        {
            writer.WriteLine(Convert.ToBase64String(key));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return ReadFile(path)!;
        }
    }
}
