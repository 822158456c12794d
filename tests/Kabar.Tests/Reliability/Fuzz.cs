using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Generated and mutated inputs (FsCheck generators): a valid body of the endpoint with one to
/// three of its values replaced by junk (wrong types, huge or odd strings, nested arrays) or
/// removed, or junk alone. <see cref="Cases"/> says how many per suite: a reduced number in
/// CI, ten times more with <c>KABAR_RELIABILITY=full</c> (docs/reliability.md).
/// </summary>
public static class Fuzz
{
    public static bool Full => Environment.GetEnvironmentVariable("KABAR_RELIABILITY") == "full";

    public static int Cases(int reduced) => Full ? reduced * 10 : reduced;

    private static readonly string[] OddStrings =
    [
        "", " ", "\0", "null", "true", "0", "-1", "1e309", "NaN", "+6281234567890", "0812-3456-7890", "6281234567890",
        "💥🙏", "ٍ\u202e", "\ud83d", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "=HYPERLINK(\"x\")",
        "2026-13-45T99:99:99Z", "00000000-0000-0000-0000-000000000000", "wamid.", "STOP", "MULAI", "%00%2B", "\r\n\t",
    ];

    /// <summary>A string: an odd one, printable noise, or a long run.</summary>
    public static Gen<string> Strings { get; } = Gen.OneOf(
        Gen.Elements(OddStrings),
        Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 0xD7FF).Select(c => (char)c), n)).Select(cs => new string(cs)),
        Gen.Elements(1_000, 70_000).SelectMany(n => Gen.Elements('a', '9', '+', 'é').Select(c => new string(c, n))));

    private static Gen<JsonNode?> Scalars { get; } = Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Elements(long.MaxValue, long.MinValue, 0L, 1_764_046_800L, 99_999_999_999L).Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Elements(1.5, -0.0, 1e300, double.Epsilon).Select(d => (JsonNode?)JsonValue.Create(d)),
        Strings.Select(s => (JsonNode?)JsonValue.Create(s)));

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>.</summary>
    public static Gen<JsonNode?> Junk(int depth) => depth <= 0
        ? Scalars
        : Gen.OneOf(
            Scalars,
            Scalars,
            Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Junk(depth - 1), n)).Select(items => (JsonNode?)new JsonArray(items)),
            Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Strings.Zip(Junk(depth - 1)), n)).Select(pairs =>
            {
                var o = new JsonObject();
                foreach (var (k, v) in pairs)
                {
                    o[k.Length > 64 ? k[..64] : k] = v;
                }

                return (JsonNode?)o;
            }));

    /// <summary><paramref name="valid"/> with one to three values replaced by junk or removed.</summary>
    public static Gen<JsonNode?> Mutations(JsonNode valid) =>
        Gen.Choose(1, 3).SelectMany(count => Gen.ArrayOf(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Frequency((3, Junk(2).Select(j => (Remove: false, With: j))),
            (1, Gen.Constant((Remove: true, With: (JsonNode?)null))))), count))
        .Select(edits =>
        {
            var copy = valid.DeepClone();
            foreach (var (pick, edit) in edits)
            {
                var places = Places(copy).ToList();
                if (places.Count == 0)
                {
                    return Junk0(edit.With);
                }

                var (parent, key, index) = places[pick % places.Count];
                switch (parent)
                {
                    case JsonObject o when edit.Remove:
                        o.Remove(key!);
                        break;
                    case JsonObject o:
                        o[key!] = edit.With?.DeepClone();
                        break;
                    case JsonArray a when edit.Remove:
                        a.RemoveAt(index);
                        break;
                    case JsonArray a:
                        a[index] = edit.With?.DeepClone();
                        break;
                }
            }

            return copy;
        });

    /// <summary>Mutations most of the time, junk alone now and then.</summary>
    public static Gen<JsonNode?> Bodies(JsonNode valid) => Gen.Frequency((9, Mutations(valid)), (1, Junk(3)));

    /// <summary><paramref name="count"/> values of <paramref name="gen"/> (FsCheck's size 50, a new seed each run).</summary>
    public static IReadOnlyList<T> Sample<T>(Gen<T> gen, int count)
    {
        var values = gen.Sample(count);
        Assert.Equal(count, values.Length);
        return values;
    }

    private static JsonNode? Junk0(JsonNode? with) => with?.DeepClone();

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Places(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    yield return (o, k, -1);
                    if (v is not null)
                    {
                        foreach (var p in Places(v))
                        {
                            yield return p;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] is { } v)
                    {
                        foreach (var p in Places(v))
                        {
                            yield return p;
                        }
                    }
                }

                break;
        }
    }
}
