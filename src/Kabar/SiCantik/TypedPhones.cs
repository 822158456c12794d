using System.Text.RegularExpressions;
using Kabar.Contacts;
using PhoneNumbers;

namespace Kabar.SiCantik;

/// <summary>
/// A phone field as counter staff type it (<c>0812-3456-7890</c>, <c>+62 812…</c>, several numbers
/// separated by <c>/</c>, <c>,</c>, <c>;</c> or spaces, a landline, nothing): the first mobile number,
/// how many other numbers were given, or why none could be used.
/// </summary>
internal static partial class TypedPhones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public sealed record Reading(string? Mobile, int Others, string? Problem);

    public static Reading Read(string? typed, PhoneNormalizer phones)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return new Reading(null, 0, "no phone number in SiCantik");
        }

        var candidates = Candidates(typed).ToList();
        var numbers = candidates.Select(c => phones.Normalize(c)).Where(n => n is not null).Distinct(StringComparer.Ordinal).ToList();
        var mobile = numbers.FirstOrDefault(IsMobile);
        if (mobile is not null)
        {
            return new Reading(mobile, numbers.Count - 1, null);
        }

        return new Reading(null, numbers.Count, numbers.Count > 0
            ? "only a landline in SiCantik, no mobile number"
            : "the phone field in SiCantik is not a phone number");
    }

    /// <summary>Each number of the field: split at separators; a part that is no number as a whole is split at spaces.</summary>
    private static IEnumerable<string> Candidates(string typed)
    {
        foreach (var part in Separators().Split(typed))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            yield return p;
            if (p.Contains(' ', StringComparison.Ordinal))
            {
                foreach (var word in p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Count(char.IsAsciiDigit) >= 9))
                {
                    yield return word;
                }
            }
        }
    }

    private static bool IsMobile(string? e164) =>
        e164 is not null && Util.GetNumberType(Util.Parse(e164, null)) is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE;

    [GeneratedRegex(@"[/,;]|\s{2,}|\b(?:atau|dan|or|and)\b|\bHP\b:?|\bWA\b:?", RegexOptions.IgnoreCase)]
    private static partial Regex Separators();
}
