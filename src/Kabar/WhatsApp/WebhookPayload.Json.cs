using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Kabar.WhatsApp;

public static partial class WebhookPayload
{
    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, which throws when it
    /// compares against a key holding an escaped unpaired surrogate: recorded in <paramref name="f"/>.
    /// </summary>
    private static bool Get(JsonElement parent, string name, Fields f, out JsonElement value)
    {
        if (TryGet(parent, name, out value, out var unreadable))
        {
            return true;
        }

        if (unreadable)
        {
            f.Unreadable(name, UnreadableKey);
        }

        return false;
    }

    private const string UnreadableKey = "not found: a key beside it is an unpaired surrogate escape";

    /// <summary>A property of an object; false for anything else, and when a key beside it cannot be compared (<paramref name="unreadable"/>).</summary>
    private static bool TryGet(JsonElement parent, string name, out JsonElement value, out bool unreadable)
    {
        value = default;
        unreadable = false;
        if (parent.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        try
        {
            return parent.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            unreadable = true;
            return false;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name, Fields f) =>
        Get(parent, name, f, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static JsonElement? Child(JsonElement parent, string name, Fields f) =>
        Get(parent, name, f, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    /// <summary>
    /// An identifying string, or a number written as text (ids are strings, but be lenient).
    /// Unreadable text (invalid UTF-8, an unpaired surrogate, a NUL, which PostgreSQL cannot
    /// store) is recorded in <paramref name="f"/> and read as null.
    /// </summary>
    private static string? Str(JsonElement parent, string name, Fields f, int max = int.MaxValue)
    {
        if (!Get(parent, name, f, out var v))
        {
            return null;
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                string? s;
                try
                {
                    s = v.GetString();
                }
                catch (InvalidOperationException)
                {
                    f.Unreadable(name, Why(v));
                    return null;
                }

                if (s is not null && s.Contains('\0', StringComparison.Ordinal))
                {
                    f.Unreadable(name, "NUL character");
                    return null;
                }

                return s is { Length: > 0 } ? Fit(s, name, f, max) : null;
            case JsonValueKind.Number:
                return Fit(v.GetRawText(), name, f, max);
            default:
                return null;
        }
    }

    /// <summary>An identifier longer than its column cannot be the one Meta meant: PostgreSQL would refuse the whole post.</summary>
    private static string? Fit(string s, string name, Fields f, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }

        f.Unreadable(name, string.Create(CultureInfo.InvariantCulture, $"longer than {max} characters"));
        return null;
    }

    /// <summary>
    /// Free text: what cannot be read becomes U+FFFD (each invalid UTF-8 sequence, each unpaired
    /// surrogate, each NUL) and the item is kept; <see cref="WebhookBatch.Repaired"/> counts it.
    /// </summary>
    private static string? Text(JsonElement parent, string name, Fields f)
    {
        if (!Get(parent, name, f, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return Str(parent, name, f);
        }

        string s;
        try
        {
            s = v.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            s = Lenient(JsonMarshal.GetRawUtf8Value(v));
            f.Batch.Repaired++;
        }

        if (s.Contains('\0', StringComparison.Ordinal))
        {
            s = s.Replace('\0', '\uFFFD');
            f.Batch.Repaired++;
        }

        return s.Length > 0 ? s : null;
    }

    /// <summary>Why a string token cannot be read: its bytes, or an escape of half a surrogate pair.</summary>
    private static string Why(JsonElement v) =>
        Utf8.IsValid(JsonMarshal.GetRawUtf8Value(v)) ? "unpaired surrogate escape (\\uD800-\\uDFFF)" : "invalid UTF-8";

    /// <summary>
    /// A JSON string token (quotes included; its escapes already checked by the parser) as text,
    /// with each invalid UTF-8 sequence and each unpaired surrogate replaced by U+FFFD.
    /// </summary>
    internal static string Lenient(ReadOnlySpan<byte> token)
    {
        var raw = token.Length >= 2 && token[0] == '"' ? token[1..^1] : token;
        var text = new StringBuilder(raw.Length);
        while (raw.Length > 0)
        {
            var slash = raw.IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(slash < 0 ? raw : raw[..slash])); // replaces invalid bytes
            if (slash < 0 || slash + 1 >= raw.Length)
            {
                break;
            }

            var escape = raw[slash + 1];
            if (escape == 'u' && slash + 6 <= raw.Length
                && ushort.TryParse(raw.Slice(slash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                text.Append((char)unit);
                raw = raw[(slash + 6)..];
                continue;
            }

            text.Append(escape switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)escape,
            });
            raw = raw[(slash + 2)..];
        }

        // Escapes may have left halves of surrogate pairs alone.
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = '\uFFFD';
            }
        }

        return text.ToString();
    }

    private static int? Int(JsonElement parent, string name, Fields f) =>
        Str(parent, name, f) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>Unix seconds, as a string (messages, statuses) or a number (user_preferences).</summary>
    private static DateTime? Timestamp(JsonElement parent, string name, Fields f) =>
        Str(parent, name, f) is { } s
        && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : null;

    /// <summary>One item being read: the first field that made it unreadable, if any.</summary>
    private sealed class Fields(WebhookBatch batch, string item)
    {
        public WebhookBatch Batch { get; } = batch;

        public SkippedPart? Problem { get; private set; }

        public void Unreadable(string field, string reason) => Problem ??= new SkippedPart(item, field, reason);

        public void Missing(string field) => Problem ??= new SkippedPart(item, field, "missing, empty or malformed");
    }
}
