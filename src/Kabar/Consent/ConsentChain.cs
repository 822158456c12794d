using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kabar.Common;

namespace Kabar.Consent;

/// <summary>
/// The hash chain of the consent ledger (SPEC §3). Each field is length-prefixed so no value can
/// imitate a field boundary; times are whole milliseconds so every database stores them exactly.
/// </summary>
public static class ConsentChain
{
    private const string Domain = "kabar-consent-v1";

    public static string ComputeHash(ConsentEvent e)
    {
        var canonical = new StringBuilder(512);
        Append(canonical, Domain);
        Append(canonical, e.ContactId.ToString("D"));
        Append(canonical, e.Seq.ToString(CultureInfo.InvariantCulture));
        Append(canonical, EnumText<ConsentScope>.Name(e.Scope));
        Append(canonical, EnumText<ConsentAction>.Name(e.Action));
        Append(canonical, EnumText<ConsentSource>.Name(e.Source));
        Append(canonical, UnixMs(e.OccurredAt));
        Append(canonical, UnixMs(e.RecordedAt));
        Append(canonical, e.TextVersion);
        Append(canonical, e.TextHash);
        Append(canonical, e.EvidenceDigest);
        Append(canonical, e.WhatsAppMessageId);
        Append(canonical, e.TokenId);
        Append(canonical, e.Operator);
        Append(canonical, e.Note);
        Append(canonical, e.PrevHash);
        return Sha256Hex(canonical.ToString());
    }

    /// <summary>The digest of web evidence (IP, user agent), salted so it reveals nothing once the salt is erased.</summary>
    public static string? EvidenceDigest(string? salt, string? ip, string? userAgent)
    {
        if (salt is null)
        {
            return null;
        }

        var canonical = new StringBuilder();
        Append(canonical, salt);
        Append(canonical, ip);
        Append(canonical, userAgent);
        return Sha256Hex(canonical.ToString());
    }

    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Truncates to whole milliseconds, the precision the chain commits to.</summary>
    public static DateTime ToMilliseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static string UnixMs(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds()
            .ToString(CultureInfo.InvariantCulture);

    private static void Append(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            sb.Append("-1:");
            return;
        }

        sb.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
    }
}
