using System.Security.Cryptography;
using System.Text;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Privacy;

/// <summary>
/// Recognises a phone number whose owner had their data erased (SPEC §11: "the ledger keeps a
/// salted hash of the phone so a later re-import can be recognised"). The erased contact keeps
/// <see cref="Contact.ErasedPhoneHash"/>, an HMAC-SHA256 of the E.164 number under a secret key:
/// without the key the hash cannot be tested against a list of numbers, as a plain or publicly
/// salted hash of a 12-digit number could.
/// <para>
/// Every path that creates a contact from a phone calls <see cref="CarryOverAsync"/> right after
/// adding it and before recording any consent: a number that was erased starts with both scopes
/// <c>withdrawn</c>, so asking to be forgotten is not undone by the office re-importing an old
/// list. The person can still opt in again themselves (keyword, opt-in link).
/// </para>
/// </summary>
public sealed class ErasureRegistry(IOptions<PrivacyOptions> options, IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public const string SettingKey = "privacy.erasure_key";

    /// <summary>The ledger note of a withdrawal carried over to a number that comes back.</summary>
    public const string CarryOverNote = "erased-number: the owner of this number had their data erased; their withdrawal stands";

    /// <summary>The ledger operator of a carried-over withdrawal.</summary>
    public const string CarryOverOperator = "kabar:erasure-register";

    private readonly SemaphoreSlim gate = new(1, 1);
    private byte[]? key;

    /// <summary>
    /// The keyed hash of an E.164 phone (lowercase hex), creating the key on first use. Called by
    /// an erasure before its transaction opens: on SQLite, creating the key inside another
    /// connection's write transaction would wait on itself.
    /// </summary>
    public async Task<string> PhoneHashAsync(string e164, CancellationToken ct) =>
        Hash(await KeyAsync(create: true, ct) ?? throw new InvalidOperationException("No erasure key."), e164);

    /// <summary>Whether a contact with this E.164 phone was erased. For importers: call it per row, or use <see cref="CarryOverAsync"/>.</summary>
    public async Task<bool> IsErasedAsync(KabarDbContext db, string e164, CancellationToken ct)
    {
        // No key yet means nothing was ever erased: only an erasure creates it.
        var k = await KeyAsync(create: false, ct);
        if (k is null)
        {
            return false;
        }

        var hash = Hash(k, e164);
        return await db.Contacts.AsNoTracking().AnyAsync(c => c.ErasedPhoneHash == hash, ct);
    }

    private static string Hash(byte[] key, string e164) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("kabar-erased-phone:" + e164)));

    /// <summary>
    /// For a contact just created (not yet saved, no ledger events) from a phone: when the number
    /// was erased before, records <c>withdrawn</c> for both scopes (source <c>admin</c>, operator
    /// <see cref="CarryOverOperator"/>) in the caller's unit of work. Returns whether it did.
    /// </summary>
    public async Task<bool> CarryOverAsync(KabarDbContext db, Contact contact, DateTime now, CancellationToken ct)
    {
        if (contact.Phone is null || contact.LedgerSeq != 0)
        {
            return false;
        }

        var k = await KeyAsync(create: false, ct);
        if (k is null)
        {
            return false;
        }

        var hash = Hash(k, contact.Phone);
        var erasedAt = await db.Contacts.AsNoTracking().Where(c => c.ErasedPhoneHash == hash).MaxAsync(c => c.ErasedAt, ct);
        if (erasedAt is null)
        {
            return false;
        }

        // The withdrawal happened when the person was erased; dating it so lets a keyword they
        // send now (MULAI) still count as the later word.
        var at = erasedAt.Value < now ? erasedAt.Value : now;
        var ledger = new ConsentLedger(db, new ConsentTexts(db, time));
        foreach (var scope in new[] { ConsentScope.WhatsApp, ConsentScope.WhatsAppMarketing })
        {
            await ledger.AppendAsync(contact, scope, ConsentAction.Withdrawn, ConsentSource.Admin, at, now,
                new ConsentEvidence { Operator = CarryOverOperator, Note = CarryOverNote }, ct);
        }

        return true;
    }

    private async Task<byte[]?> KeyAsync(bool create, CancellationToken ct)
    {
        if (key is not null)
        {
            return key;
        }

        if (!string.IsNullOrWhiteSpace(options.Value.ErasureKey))
        {
            return key = Encoding.UTF8.GetBytes(options.Value.ErasureKey);
        }

        await gate.WaitAsync(ct);
        try
        {
            if (key is null && create)
            {
                key = Convert.FromHexString(await AppSetting.LoadOrCreateSecretAsync(scopes, SettingKey, time.GetUtcNow().UtcDateTime, ct));
            }
            else if (key is null)
            {
                var stored = await AppSetting.FindSecretAsync(scopes, SettingKey, ct);
                key = stored is null ? null : Convert.FromHexString(stored);
            }

            return key;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
