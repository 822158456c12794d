using System.Security.Cryptography;
using System.Text;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Auth;

/// <summary>A key that authenticated: its name and rights.</summary>
internal sealed record ApiKeyIdentity(string Name, string Rights);

/// <summary>
/// API keys: named, hashed at rest, revocable (SPEC §11). Keys from configuration
/// (<c>Kabar:Api:Keys:N</c>) serve development and tests and are compared by hash as well.
/// </summary>
public sealed class ApiKeyStore(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time)
{
    public const string KeyPrefix = "kabar_";

    private readonly Lazy<IReadOnlyList<(string Hash, ApiKeyIdentity Identity)>> configured = new(() => ReadConfigured(configuration));

    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    internal async Task<ApiKeyIdentity?> FindAsync(string key, CancellationToken ct)
    {
        if (key.Length is < 16 or > 200)
        {
            return null;
        }

        var hash = HashKey(key);
        var hashBytes = Encoding.ASCII.GetBytes(hash);
        foreach (var (candidate, identity) in configured.Value)
        {
            if (CryptographicOperations.FixedTimeEquals(hashBytes, Encoding.ASCII.GetBytes(candidate)))
            {
                return identity;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var stored = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAt == null)
            .Select(k => new ApiKeyIdentity(k.Name, k.Rights))
            .FirstOrDefaultAsync(ct);
        return stored;
    }

    /// <summary>Creates a key and returns it; only its hash is kept.</summary>
    public async Task<string> CreateAsync(string name, string rights, CancellationToken ct)
    {
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(30));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        if (await db.ApiKeys.AnyAsync(k => k.Name == name, ct))
        {
            throw new InvalidOperationException($"An API key named '{name}' already exists; revoke it or choose another name.");
        }

        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Prefix = key[..10],
            Hash = HashKey(key),
            Rights = rights,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return key;
    }

    public async Task<bool> RevokeAsync(string name, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        return await db.ApiKeys.Where(k => k.Name == name && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct) > 0;
    }

    /// <summary>
    /// <c>Kabar:Api:Keys:0</c> may be the key itself, or an object with <c>Name</c>, <c>Key</c> and
    /// <c>Rights</c> (<c>write</c> or <c>read</c>).
    /// </summary>
    private static List<(string, ApiKeyIdentity)> ReadConfigured(IConfiguration configuration)
    {
        var keys = new List<(string, ApiKeyIdentity)>();
        foreach (var entry in configuration.GetSection("Kabar:Api:Keys").GetChildren())
        {
            var key = string.IsNullOrEmpty(entry.Value) ? entry["Key"] : entry.Value;
            if (string.IsNullOrWhiteSpace(key))
            {
                continue;
            }

            var rights = entry["Rights"] is ApiRights.Read ? ApiRights.Read : ApiRights.Write;
            keys.Add((HashKey(key.Trim()), new ApiKeyIdentity(entry["Name"] ?? $"config-{entry.Key}", rights)));
        }

        return keys;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
