using System.Globalization;
using System.Text;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Byte-level mutations of a valid body (docs/reliability.md, "Byte-level fuzzing"): bytes that
/// are not UTF-8, escaped lone surrogates, NUL, truncation, deep nesting, huge numbers, duplicate
/// keys, random flips, inserts and deletions; and the Content-Type charsets a client may declare.
/// Seeded: a failure prints the seed, and <c>KABAR_FUZZ_SEED</c> replays that run.
/// </summary>
public sealed class ByteFuzz
{
    private readonly Random random;

    public ByteFuzz(string suite)
    {
        Seed = int.TryParse(Environment.GetEnvironmentVariable("KABAR_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        Suite = suite;
        random = new Random(Seed);
    }

    public int Seed { get; }

    public string Suite { get; }

    /// <summary>Invalid UTF-8: a lone continuation byte, an overlong '/', bytes never used, a cut sequence, an encoded surrogate, past U+10FFFF.</summary>
    public static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xC0, 0xAF], [0xFF], [0xFE], [0xE2, 0x82], [0xF0, 0x9F, 0x99], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3],
    ];

    private static readonly string[] Escapes = ["\\ud800", "\\udfff", "\\ud83d", "x\\ude4f", "\\u0000", "\\ud800\\ud800", "\\uDBFF"];

    private static readonly int[] Depths = [65, 1_000, 20_000];

    private static readonly string[] HugeNumbers = ["1e999999", "-1e-999999", "123456789012345678901234567890123456789", "0.0000000000000000000000000001", "-0", "9223372036854775808"];

    /// <summary>What a client may put after the media type; null sends no Content-Type at all.</summary>
    public static readonly string?[] Charsets = ["", "; charset=utf-8", "; charset=UTF8", "; charset=utf-7", "; charset=utf-32", "; charset=latin1",
        "; charset=iso-8859-1", "; charset=nonsense", "; charset=\"utf-16\"", "; charset=", null];

    public int Next(int max) => random.Next(max);

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary><paramref name="valid"/> with one to three mutations.</summary>
    public byte[] Mutate(byte[] valid)
    {
        var bytes = valid.ToList();
        for (var n = 1 + random.Next(3); n > 0; n--)
        {
            MutateOnce(bytes);
        }

        return [.. bytes];
    }

    private void MutateOnce(List<byte> bytes)
    {
        switch (random.Next(11))
        {
            case 0 or 1:
                bytes.InsertRange(InsideAString(bytes), Pick(InvalidUtf8));
                break;
            case 2:
                bytes.InsertRange(InsideAString(bytes), Encoding.ASCII.GetBytes(Pick(Escapes)));
                break;
            case 3:
                bytes.Insert(random.Next(bytes.Count + 1), 0);
                break;
            case 4:
                var cut = random.Next(bytes.Count + 1);
                bytes.RemoveRange(cut, bytes.Count - cut);

                break;
            case 5:
                var depth = Pick(Depths);
                var open = random.Next(2) == 0 ? '[' : '{';
                var deep = open == '[' ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                bytes.InsertRange(AfterAColon(bytes), Encoding.ASCII.GetBytes(deep + ","));
                break;
            case 6:
                bytes.InsertRange(AfterAColon(bytes), Encoding.ASCII.GetBytes(Pick(HugeNumbers) + ","));
                break;
            case 7:
                // A key given twice: the first property again, with another value.
                var firstKey = bytes.IndexOf((byte)'"');
                var keyEnd = firstKey < 0 ? -1 : bytes.IndexOf((byte)'"', firstKey + 1);
                if (keyEnd > firstKey && firstKey >= 0)
                {
                    var key = bytes.GetRange(firstKey, keyEnd - firstKey + 1);
                    bytes.InsertRange(firstKey, [.. key, .. Encoding.ASCII.GetBytes(": \"dua\", ")]);
                }

                break;
            case 8:
                if (bytes.Count > 0)
                {
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 9:
                bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                break;
            default:
                if (bytes.Count > 0)
                {
                    bytes.RemoveAt(random.Next(bytes.Count));
                }

                break;
        }
    }

    /// <summary>A position just after an opening quote, so the bytes land inside a string or a key (or anywhere when there is none).</summary>
    private int InsideAString(List<byte> bytes)
    {
        var quotes = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] == '"').ToList();
        return quotes.Count == 0 ? random.Next(bytes.Count + 1) : Pick(quotes) + 1;
    }

    private int AfterAColon(List<byte> bytes)
    {
        var colons = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] is (byte)':' or (byte)'[').ToList();
        return colons.Count == 0 ? random.Next(bytes.Count + 1) : Pick(colons) + 1;
    }

    /// <summary>How a failing body is printed: printable ASCII as is, every other byte as \xNN, cut at 600 bytes.</summary>
    public static string Show(byte[] body)
    {
        var text = new StringBuilder();
        foreach (var b in body.Take(600))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return body.Length > 600 ? text + $"… ({body.Length} bytes)" : text.ToString();
    }

    public string Describe(string method, string path, string? contentType, byte[] body) =>
        $"{Suite} seed {Seed} (replay: KABAR_FUZZ_SEED={Seed}): {method} {path} Content-Type: {contentType ?? "(none)"} body: {Show(body)}";
}
