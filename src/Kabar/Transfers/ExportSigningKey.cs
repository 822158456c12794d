using System.Security.Cryptography;
using Kabar.Common;
using Kabar.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Transfers;

/// <summary>
/// The office's key that signs export manifests: ECDSA P-256 with SHA-256. The private key is
/// <c>Kabar:Exports:SigningKey</c> (PEM) when set, else generated once and stored in
/// <see cref="AppSetting"/> <c>exports.signing_key</c>, protected by Data Protection (whose keys
/// are in the same database), so every Kabar process signs with the same key. Its public half and
/// fingerprint are what the office gives auditors (<c>kabar export key</c>, <c>GET /api/exports/key</c>).
/// </summary>
public sealed class ExportSigningKey(IOptions<ExportOptions> options, IServiceScopeFactory scopes, IDataProtectionProvider protection,
    TimeProvider time) : IDisposable
{
    public const string SettingKey = "exports.signing_key";
    public const string Algorithm = "ECDSA-P256-SHA256";
    private const string Purpose = "Kabar.Exports.SigningKey.v1";
    private readonly SemaphoreSlim gate = new(1, 1);
    private ECDsa? key;

    /// <summary>The signing key, created on first use when none is configured or stored.</summary>
    public async Task<ECDsa> GetAsync(CancellationToken ct) => (await LoadAsync(create: true, ct))!;

    /// <summary>The signing key if one exists, without creating one (for verifying on a fresh installation).</summary>
    public Task<ECDsa?> FindAsync(CancellationToken ct) => LoadAsync(create: false, ct);

    private async Task<ECDsa?> LoadAsync(bool create, CancellationToken ct)
    {
        if (key is not null)
        {
            return key;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (key is not null)
            {
                return key;
            }

            if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
            {
                return key = FromPem(options.Value.SigningKey);
            }

            var protector = protection.CreateProtector(Purpose);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var stored = await db.AppSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == SettingKey, ct);
            if (stored is null)
            {
                if (!create)
                {
                    return null;
                }

                using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                db.AppSettings.Add(new AppSetting
                {
                    Key = SettingKey,
                    Value = protector.Protect(Convert.ToBase64String(fresh.ExportPkcs8PrivateKey())),
                    CreatedAt = time.GetUtcNow().UtcDateTime,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException ex) when (ex.IsUniqueViolation())
                {
                    // Another process created it first; use theirs.
                }

                stored = await db.AppSettings.AsNoTracking().FirstAsync(s => s.Key == SettingKey, ct);
            }

            string pkcs8;
            try
            {
                pkcs8 = protector.Unprotect(stored.Value);
            }
            catch (CryptographicException ex)
            {
                // Never sign with a new key silently: manifests signed before would no longer
                // match the key the office published.
                throw new KabarConfigurationException(
                    "The stored export signing key cannot be decrypted (the Data Protection keys in the database were lost or changed). " +
                    "Restore them, or set Kabar:Exports:SigningKey and publish its fingerprint again.", ex);
            }

            var loaded = ECDsa.Create();
            loaded.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
            return key = loaded;
        }
        finally
        {
            gate.Release();
        }
    }

    public static ECDsa FromPem(string pem)
    {
        var loaded = ECDsa.Create();
        loaded.ImportFromPem(pem);
        if (loaded.KeySize != 256)
        {
            loaded.Dispose();
            throw new CryptographicException("The export signing key must be an ECDSA P-256 key.");
        }

        return loaded;
    }

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public static string PublicPem(ECDsa key) => key.ExportSubjectPublicKeyInfoPem();

    /// <summary><c>sha256:</c> and the hex SHA-256 of the public key's DER (SubjectPublicKeyInfo).</summary>
    public static string Fingerprint(ECDsa key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public void Dispose()
    {
        key?.Dispose();
        gate.Dispose();
    }
}
