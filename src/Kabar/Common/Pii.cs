using System.Text.RegularExpressions;

namespace Kabar.Common;

/// <summary>
/// Masks phone numbers and e-mail addresses (SPEC §11): <c>+6281234567890</c> becomes
/// <c>+62812****7890</c>, <c>siti@example.id</c> becomes <c>s***@example.id</c>. Used for every log
/// line, including exception text, through <see cref="MaskingLoggerProvider"/>.
/// </summary>
public static partial class Pii
{
    public static string MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return string.Empty;
        }

        var plus = phone.StartsWith('+');
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length < 7)
        {
            return (plus ? "+" : string.Empty) + new string('*', digits.Length);
        }

        var head = digits.Length >= 11 ? 5 : 2;
        return (plus ? "+" : string.Empty) + digits[..head] + "****" + digits[^4..];
    }

    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return string.Empty;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }

    /// <summary>Masks every phone-like digit run and e-mail address found in free text.</summary>
    public static string MaskText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Cheap pre-check: most log lines hold neither an '@' nor seven digits.
        var digitCount = 0;
        var hasAt = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digitCount++;
            }
            else if (c == '@')
            {
                hasAt = true;
            }
        }

        // Request logs carry the query string URL-encoded: '@' as %40, '+' as %2B.
        hasAt = hasAt || text.Contains("%40", StringComparison.Ordinal);
        if (!hasAt && digitCount < 8)
        {
            return text;
        }

        var result = hasAt ? EmailPattern().Replace(text, MaskEmailMatch) : text;
        return digitCount >= 8 ? PhonePattern().Replace(result, MaskPhoneMatch) : result;
    }

    private static string MaskPhoneMatch(Match match)
    {
        if (match.Value.StartsWith('%'))
        {
            // %2B6281234567890: an encoded '+', whose '2' is not part of the number.
            var number = "+" + match.Value[3..];
            var count = number.Count(char.IsAsciiDigit);
            return count is >= 8 and <= 15 ? match.Value[..3] + MaskPhone(number)[1..] : match.Value;
        }

        var digits = match.Value.Count(char.IsAsciiDigit);
        return digits is >= 8 and <= 15 ? MaskPhone(match.Value) : match.Value;
    }

    private static string MaskEmailMatch(Match match) =>
        match.Value.Contains('@', StringComparison.Ordinal)
            ? MaskEmail(match.Value)
            : MaskEmail(match.Value.Replace("%40", "@", StringComparison.Ordinal)).Replace("@", "%40", StringComparison.Ordinal);

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")]
    private static partial Regex EmailPattern();

    // A run of 8-15 digits, optionally led by '+' and split by single spaces, dashes, dots or
    // brackets (0812-3456-7890, +62 812 3456 7890, 6281234567890), not glued to letters or other
    // digits or a dash before it (so GUIDs, hashes and wamids are left alone: a GUID's 0892-4905-8791
    // is no number), nor a date (2026-11-25 21:30, 25-11-2026 08:00), nor an IPv4 address
    // (203.0.113.7: the client a rate limit refused must stay readable), nor a tail of dotted digits. The '+' may come URL-encoded (%2B).
    [GeneratedRegex(@"(?<![\w+\-]|\d\.)(?!(?:19|20)\d{2}-[01]\d-[0-3]\d(?!\d)|[0-3]\d-[01]\d-(?:19|20)\d{2}(?!\d))(?!(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d))(?:%2[Bb]|\+)?\(?\d(?:[\s\-.()]?\d){7,14}(?![\w]|-[0-9A-Fa-f])")]
    private static partial Regex PhonePattern();
}
