using System.Security.Cryptography;
using System.Text;

namespace Kabar.WhatsApp;

/// <summary>
/// Meta signs every webhook POST: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(app secret, raw body)&gt;</c>.
/// Verified over the raw bytes, before any parsing, with a constant-time comparison.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, string appSecret)
    {
        if (header is null || header.Length != Prefix.Length + 64
            || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The header value for a body: what Meta, the simulator and the sandbox phone send.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
}
