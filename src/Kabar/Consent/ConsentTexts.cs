using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Consent;

/// <summary>
/// Consent texts by version. A version is immutable: registering it again with other words is
/// refused, because events already point at the text people actually saw.
/// </summary>
public sealed class ConsentTexts(KabarDbContext db, TimeProvider time)
{
    /// <summary>The stored text, including one registered earlier in this unit of work.</summary>
    public async Task<ConsentText?> FindAsync(string version, CancellationToken ct) =>
        db.ConsentTexts.Local.FirstOrDefault(t => t.Version == version)
        ?? await db.ConsentTexts.AsNoTracking().FirstOrDefaultAsync(t => t.Version == version, ct);

    /// <summary>Stores the text under its version, or confirms the same text is already there.</summary>
    public async Task<RegisterResult> RegisterAsync(string version, string language, string text, CancellationToken ct)
    {
        var hash = ConsentChain.Sha256Hex(text);
        var existing = await FindAsync(version, ct);
        if (existing is not null)
        {
            return existing.Hash == hash ? RegisterResult.Unchanged : RegisterResult.Conflict;
        }

        db.ConsentTexts.Add(new ConsentText
        {
            Version = version,
            Hash = hash,
            Language = language,
            Text = text,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        return RegisterResult.Added;
    }

    public enum RegisterResult
    {
        Added,
        Unchanged,
        Conflict,
    }
}
