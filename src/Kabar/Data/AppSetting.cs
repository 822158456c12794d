using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// Values Kabar generates once and shares between its processes through the database, such as
/// the sandbox's webhook app secret and verify token, and the key that signs opt-out links.
/// </summary>
public sealed class AppSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// The stored value of <paramref name="key"/>, created as 32 random bytes (hex) when missing.
    /// When two processes race, both end up with the first one's value.
    /// </summary>
    public static async Task<string> LoadOrCreateSecretAsync(IServiceScopeFactory scopes, string key, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var existing = await db.AppSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct);
        if (existing is not null)
        {
            return existing.Value;
        }

        db.AppSettings.Add(new AppSetting
        {
            Key = key,
            Value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
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

        return (await db.AppSettings.AsNoTracking().FirstAsync(s => s.Key == key, ct)).Value;
    }
}
