using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Kabar.Admin;

/// <summary>
/// How failed sign-ins slow the one who fails, and nobody else (docs/console.md "Failed sign-ins").
/// Failures are counted per typed e-mail address and client address, whether the account exists
/// or not, so the answer never tells which accounts exist. After <see cref="AdminOptions.LockoutThreshold"/>
/// failures that pair is refused for one minute; each further round doubles it, up to
/// <see cref="AdminOptions.LockoutDuration"/>. An operator signing in from their own address is
/// never refused because a stranger elsewhere guessed at their account.
/// </summary>
internal static class SignInThrottling
{
    /// <summary>The first block; later ones double.</summary>
    public static readonly TimeSpan FirstBlock = TimeSpan.FromMinutes(1);

    /// <summary>A pair that has not failed for this long starts again from the first round.</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    /// <summary>The block after round <paramref name="rounds"/> (0 for the first): 1, 2, 4, 8 … minutes, never over <paramref name="cap"/>.</summary>
    public static TimeSpan BlockFor(int rounds, TimeSpan cap)
    {
        var minutes = FirstBlock.TotalMinutes * Math.Pow(2, Math.Min(rounds, 30));
        var block = TimeSpan.FromMinutes(Math.Min(minutes, cap.TotalMinutes));
        return block < cap ? block : cap;
    }

    /// <summary>
    /// The pair after one more failure at <paramref name="now"/>: counted, and blocked when it
    /// reaches the threshold. A pair quiet for <see cref="Forget"/> starts over.
    /// </summary>
    public static void Fail(SignInThrottle pair, DateTime now, int threshold, TimeSpan cap)
    {
        if (now - pair.LastFailureAt > Forget)
        {
            pair.Failures = 0;
            pair.Rounds = 0;
        }

        pair.LastFailureAt = now;
        pair.Failures++;
        if (pair.Failures >= threshold)
        {
            pair.BlockedUntil = now + BlockFor(pair.Rounds, cap);
            pair.Rounds++;
            pair.Failures = 0;
        }
    }

    public static bool IsBlocked(SignInThrottle? pair, DateTime now) => pair?.BlockedUntil is { } until && until > now;

    /// <summary>The stored form of a typed e-mail address (normalized first).</summary>
    public static string AccountKey(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OperatorStore.Normalize(email))));

    /// <summary>The client as the trusted proxy named it; IPv4 mapped into IPv6 counts as IPv4.</summary>
    public static string ClientKey(IPAddress? client) =>
        client is null ? "unknown" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
}
