using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Kabar.Common;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

internal enum KeywordMatch
{
    None,
    OptOut,
    MarketingOptOut,
    OptIn,
}

/// <summary>
/// Whole-message keyword matching (SPEC §4 step 4): "Stop!", " stop 🙏" and "STOP" all mean STOP;
/// "stop sending me reminders" does not, because only the whole message counts.
/// </summary>
internal sealed class Keywords
{
    private readonly FrozenSet<string> optOut;
    private readonly FrozenSet<string> marketingOptOut;
    private readonly FrozenSet<string> optIn;

    public Keywords(IOptions<PolicyOptions> options)
    {
        var o = options.Value;
        optOut = Set(o.OptOutKeywords, PolicyOptions.DefaultOptOutKeywords);
        marketingOptOut = Set(o.MarketingOptOutKeywords, PolicyOptions.DefaultMarketingOptOutKeywords);
        optIn = Set(o.OptInKeywords, PolicyOptions.DefaultOptInKeywords);
    }

    /// <summary>
    /// Matches the first keyword among the candidates (text, or a button's payload and title).
    /// The marketing-only list is checked first: it is the narrower wish.
    /// </summary>
    public KeywordMatch Match(params ReadOnlySpan<string?> candidates)
    {
        Span<string> normalized = new string[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
        {
            normalized[i] = Normalize(candidates[i]);
        }

        foreach (var (set, match) in new[] { (marketingOptOut, KeywordMatch.MarketingOptOut), (optOut, KeywordMatch.OptOut), (optIn, KeywordMatch.OptIn) })
        {
            foreach (var text in normalized)
            {
                if (text.Length > 0 && set.Contains(text))
                {
                    return match;
                }
            }
        }

        return KeywordMatch.None;
    }

    /// <summary>
    /// Trim, case-fold, drop punctuation, symbols and emoji (they become spaces), collapse spaces.
    /// </summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200)
        {
            // Keywords are short; a long message is never one, and is not worth normalising.
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var keep = Rune.IsLetterOrDigit(rune)
                       || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!keep)
            {
                // Joiners and variation selectors glue emoji together: they are not word breaks.
                if (category != UnicodeCategory.Format)
                {
                    pendingSpace = sb.Length > 0;
                }

                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(Rune.ToLowerInvariant(rune).ToString());
        }

        return sb.ToString();
    }

    private static FrozenSet<string> Set(string[] configured, string[] defaults) =>
        (configured.Length > 0 ? configured : defaults)
            .Select(Normalize)
            .Where(k => k.Length > 0)
            .ToFrozenSet(StringComparer.Ordinal);
}
