using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// Values Kabar generates once and shares between its processes through the database, such as
/// the sandbox's webhook app secret and verify token, and the key that signs opt-out links. The
/// secrets among them are stored encrypted with ASP.NET Core Data Protection (whose keys are in
/// turn encrypted with <c>Kabar:DataProtection:Key</c>), never as plain text.
/// </summary>
public sealed class AppSetting
{
    /// <summary>The settings that are secrets: stored encrypted; a plain one (Kabar 1.0.0) is encrypted on start.</summary>
    public static readonly string[] Secrets =
    [
        WhatsApp.WebhookSecrets.AppSecretKey,
        WhatsApp.WebhookSecrets.VerifyTokenKey,
        OptIn.OptOutLinks.SettingKey,
        Privacy.ErasureRegistry.SettingKey,
    ];

    /// <summary>Marks a value encrypted with Data Protection.</summary>
    private const string SealedPrefix = "dp1:";

    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public static bool IsSealed(string value) => value.StartsWith(SealedPrefix, StringComparison.Ordinal);

    /// <summary><paramref name="plain"/> encrypted for the setting <paramref name="key"/> (and only that one).</summary>
    public static string Seal(IServiceProvider services, string key, string plain) => SealedPrefix + Protector(services, key).Protect(plain);

    /// <summary>The plain value of a stored secret.</summary>
    public static string Open(IServiceProvider services, string key, string stored) =>
        IsSealed(stored) ? Protector(services, key).Unprotect(stored[SealedPrefix.Length..]) : stored;

    private static IDataProtector Protector(IServiceProvider services, string key) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Kabar.AppSettings.v1", key);

    /// <summary>The plain value of the secret <paramref name="key"/>, or null when none was generated yet.</summary>
    public static async Task<string?> FindSecretAsync(IServiceScopeFactory scopes, string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<KabarDbContext>().AppSettings.AsNoTracking()
            .Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        return stored is null ? null : Open(scope.ServiceProvider, key, stored);
    }

    /// <summary>
    /// The plain value of the secret <paramref name="key"/>, created as 32 random bytes (hex) and
    /// stored encrypted when missing. When two processes race, both end up with the first one's value.
    /// </summary>
    public static async Task<string> LoadOrCreateSecretAsync(IServiceScopeFactory scopes, string key, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var existing = await db.AppSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct);
        if (existing is not null)
        {
            return Open(scope.ServiceProvider, key, existing.Value);
        }

        db.AppSettings.Add(new AppSetting
        {
            Key = key,
            Value = Seal(scope.ServiceProvider, key, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))),
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another process created it first; use theirs.
        }

        return Open(scope.ServiceProvider, key, (await db.AppSettings.AsNoTracking().FirstAsync(s => s.Key == key, ct)).Value);
    }
}
