using System.Xml.Linq;
using Kabar.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Secrets;

/// <summary>
/// Secrets at rest: ASP.NET Core Data Protection keys live in the database, encrypted with the
/// key-encryption key (<see cref="KeyEncryptionKeys"/>), and the secrets Kabar generates for itself
/// (<see cref="AppSetting.Secrets"/>) are encrypted with Data Protection. The database file alone
/// opens none of them.
/// </summary>
public static class SecretsExtensions
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";

    public static WebApplicationBuilder AddKabarSecrets(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyProtectionOptions>().BindConfiguration(KeyProtectionOptions.Section);
        var sandbox = (builder.Configuration.GetSection(WhatsApp.WhatsAppOptions.Section).Get<WhatsApp.WhatsAppOptions>() ?? new()).SandboxMode;
        var keys = KeyEncryptionKeys.Resolve(builder.Configuration, Common.HostingExtensions.DataFolder(builder), sandbox);
        builder.Services.AddSingleton(keys);

        var protection = builder.Services.AddDataProtection().SetApplicationName("kabar").PersistKeysToDbContext<KabarDbContext>();
        if (keys.Certificate is { } certificate)
        {
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        else
        {
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KekXmlEncryptor(keys));
        }

        return builder;
    }

    /// <summary>
    /// Brings what is stored up to date with the current key-encryption key: Data Protection keys
    /// written unencrypted (Kabar 1.0.0) or with a previous key are encrypted again, and plain
    /// generated secrets are encrypted. Safe to run by two processes at once: either result opens.
    /// </summary>
    public static async Task SealSecretsAsync(this IServiceProvider services, CancellationToken ct)
    {
        var keys = services.GetRequiredService<KeyEncryptionKeys>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Kabar.Secrets");
        if (keys.Notice is { } notice)
        {
            logger.LogWarning("{Notice}", notice);
        }

        var encryptor = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlEncryptor
            ?? throw new InvalidOperationException("Data Protection has no key encryptor.");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();

        var resealed = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(ct))
        {
            if (row.Xml is null || Seal(XElement.Parse(row.Xml), encryptor, keys) is not { } sealedXml)
            {
                continue;
            }

            row.Xml = sealedXml.ToString(SaveOptions.DisableFormatting);
            resealed++;
        }

        var secrets = 0;
        foreach (var row in await db.AppSettings.Where(s => AppSetting.Secrets.Contains(s.Key)).ToListAsync(ct))
        {
            if (!AppSetting.IsSealed(row.Value))
            {
                row.Value = AppSetting.Seal(scope.ServiceProvider, row.Key, row.Value);
                secrets++;
            }
        }

        if (resealed + secrets == 0)
        {
            return;
        }

        await db.SaveChangesAsync(ct);

        // The plain values must not linger in the files: SQLite's write-ahead log still holds the
        // old pages (freed cells are zeroed by secure_delete), PostgreSQL the old row versions.
        await scope.ServiceProvider.GetRequiredService<DeletedData>().PurgeAsync(
            [typeof(DataProtectionKey), typeof(AppSetting)], "encrypting stored secrets", ct);

        logger.LogWarning("Encrypted {Keys} Data Protection key(s) and {Secrets} stored secret(s) with the key from {Source}",
            resealed, secrets, keys.Source);
    }

    /// <summary>The key element encrypted with the current key, or null when it already is.</summary>
    private static XElement? Seal(XElement key, Microsoft.AspNetCore.DataProtection.XmlEncryption.IXmlEncryptor encryptor, KeyEncryptionKeys keys)
    {
        var changed = false;

        // Encrypted with a previous key-encryption key: decrypt, and encrypt again below.
        foreach (var encrypted in key.Descendants(EncryptedSecret).ToList())
        {
            var inner = encrypted.Elements().SingleOrDefault();
            if (keys.CurrentId is not null && inner?.Name == KekXmlEncryptor.ElementName && KekXmlEncryptor.KeyId(inner) != keys.CurrentId)
            {
                encrypted.ReplaceWith(KekXmlEncryptor.Decrypt(inner, keys));
                changed = true;
            }
        }

        // As Data Protection itself encrypts a new key: each element marked requiresEncryption is
        // replaced by <encryptedSecret decryptorType="…"> around the encryptor's output.
        foreach (var plain in key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList())
        {
            var info = encryptor.Encrypt(new XElement(plain));
            plain.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
            changed = true;
        }

        return changed ? key : null;
    }
}
