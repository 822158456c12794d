namespace Kabar.OptIn;

/// <summary>URL-safe base64 without padding (RFC 4648 §5), as links carry it.</summary>
public static class Base64Url
{
    public static string Encode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            // The decoder ignores the last character's unused bits: only the one spelling of the
            // bytes is the token, so a link altered there is not taken as the original.
            return Encode(bytes) == text;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
