namespace Kabar.Privacy;

/// <summary>The person's identifying strings, in every form a phone is written.</summary>
internal sealed class PiiTokens
{
    private readonly HashSet<string> tokens = new(StringComparer.OrdinalIgnoreCase);

    public void AddPhone(string? e164)
    {
        if (e164 is null)
        {
            return;
        }

        var digits = new string([.. e164.Where(char.IsAsciiDigit)]);
        Add(e164, digits);

        // Indonesian numbers are also written 0812… (and without the country code: 812…).
        if (digits.StartsWith("62", StringComparison.Ordinal) && digits.Length > 8)
        {
            Add("0" + digits[2..], digits[2..]);
        }
    }

    public void Add(params string?[] values)
    {
        foreach (var v in values)
        {
            // Very short values (a one-letter name) would scrub ordinary words.
            if (!string.IsNullOrWhiteSpace(v) && v.Trim().Length >= 3)
            {
                tokens.Add(v.Trim());
            }
        }
    }

    public string Scrub(string value)
    {
        // Longest first, so "+6281…" goes before its own digits and leaves no stray '+'.
        foreach (var t in tokens.OrderByDescending(t => t.Length))
        {
            if (value.Contains(t, StringComparison.OrdinalIgnoreCase))
            {
                value = value.Replace(t, DataSubjects.Erased, StringComparison.OrdinalIgnoreCase);
            }
        }

        return value;
    }
}
