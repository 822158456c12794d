using System.Text.RegularExpressions;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// SPEC §11 as an audit of every test host: when a <see cref="KabarApp"/> is disposed, no line it
/// logged may hold an Indonesian phone number or an e-mail address in the clear. The patterns are
/// written here, independently of Kabar's own masking, so a gap in that masking is caught.
/// </summary>
public static partial class LogAudit
{
    // +6281234567890, 6281234567890, 081234567890, with or without spaces, dashes or dots, the '+'
    // perhaps URL-encoded; a masked number (+62812****7890) breaks the digit run and passes, and so
    // does a run inside a GUID (fb5d85c7-0892-4905-8791-…).
    [GeneratedRegex(@"(?<![\w*\-])(?:\+|%2[Bb])?(?:62|0)\s?8\d(?:[\s\-.]?\d){6,11}(?![\w*]|-[0-9A-Fa-f])")]
    private static partial Regex Phone();

    // Masked addresses (s***@example.id) have no letter or digit right before the '@'.
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]*[A-Za-z0-9](?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    public static IReadOnlyList<string> Unmasked(IEnumerable<string> lines) =>
        lines.Where(l => Phone().IsMatch(l) || Email().IsMatch(l)).ToList();

    public static void AssertMasked(IEnumerable<string> lines)
    {
        var leaks = Unmasked(lines);
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{leaks.Count} log line(s) hold a phone number or e-mail address in the clear (SPEC §11):\n"
                + string.Join("\n", leaks.Take(5).Select(l => l.Length > 600 ? l[..600] + "…" : l)));
        }
    }
}
