namespace Kabar.Common;

/// <summary>Cuts text to a column's length without splitting a surrogate pair.</summary>
public static class TextLimits
{
    /// <summary>
    /// The first <paramref name="max"/> characters, one fewer when the cut would leave half of an
    /// emoji behind: PostgreSQL refuses text with an unpaired surrogate, and with it the whole post.
    /// </summary>
    public static string? Cut(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var end = max > 0 && char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..end];
    }
}
