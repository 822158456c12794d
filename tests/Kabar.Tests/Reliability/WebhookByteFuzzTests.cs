using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.WhatsApp;

namespace Kabar.Tests.Reliability;

/// <summary>
/// Signed webhook bodies mutated byte by byte (docs/reliability.md, "Webhook bodies byte by
/// byte"): bytes that are no UTF-8 put into or over string values and anywhere else, escaped
/// half surrogates, NULs raw and escaped, truncation, deep nesting, huge numbers and duplicate
/// keys, on a post of messages, of statuses, of one status, of user preferences and of a template
/// event. Every
/// answer is below 500, nothing is logged as an error, the status worker expands what was
/// stored, and a valid post right after is handled. The seed is random unless
/// <c>KABAR_FUZZ_SEED</c> gives one, and every failure names it. CI: 300 bodies of each kind;
/// <c>KABAR_RELIABILITY=full</c>: 3,000.
/// </summary>
public abstract class WebhookByteFuzzTests(Db db, PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 2, 59, 0, TimeSpan.Zero);
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static string[] Bodies() =>
    [
        Meta.Envelope(Meta.MessagesFrom([("6281277001003", "Rina", null), ("6281277001004", "Budi", null)],
            Meta.Text("6281277001003", "wamid.BYTE1", At, "STOP"),
            Meta.Button("6281277001004", "wamid.BYTE2", At, "Ya", "MULAI"),
            Meta.Text("6281277001004", "wamid.BYTE3", At, "Izin usaha saya sudah terbit?"))),
        Meta.Envelope(Meta.Statuses(
            Meta.Status("wamid.BYTE4", "delivered", At, "6281277001001"),
            Meta.Status("wamid.BYTE5", "failed", At, "6281277001002", errorCode: 131026),
            Meta.Status("wamid.BYTE6", "read", At, "6281277001001", callbackData: "0193a0b4-0000-7000-8000-000000000001"))),
        // One status, Meta's usual shape: read at the door and committed as its status row.
        Meta.Envelope(Meta.Statuses(
            Meta.Status("wamid.BYTE7", "failed", At, "6281277001002", callbackData: "0193a0b4-0000-7000-8000-000000000002", errorCode: 131026))),
        Meta.Envelope(Meta.UserPreference("6281277001005", "stop", At), Meta.UserPreference("6281277001006", "resume", At)),
        Meta.Envelope(Meta.Change("message_template_status_update", new JsonObject
        {
            ["event"] = "PAUSED",
            ["message_template_id"] = 1234567890,
            ["message_template_name"] = "permit_ready",
            ["message_template_language"] = "id",
            ["reason"] = "NONE",
        })),
    ];

    [Fact]
    public async Task SignedBodies_MutatedByteByByte_AreAnsweredBelow500_AndKabarKeepsWorking()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KABAR_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        var random = new Random(seed);
        var perKind = Fuzz.Full ? 3_000 : 300;
        var answered = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        foreach (var valid in Bodies())
        {
            var original = Encoding.UTF8.GetBytes(valid);
            for (var i = 0; i < perKind; i++)
            {
                var (body, what) = ByteMutations.Mutate(original, random);
                using var response = await app.PostBytesAsync(body);
                var code = (int)response.StatusCode;
                answered[code] = answered.GetValueOrDefault(code) + 1;
                Assert.True(code < 500,
                    $"KABAR_FUZZ_SEED={seed}: {code} for a signed body ({what}): {Show(body)}\n{LastError()}");
            }
        }

        // The status worker's turn: everything stored is expanded, nothing stalls.
        await app.ExpandStatusesAsync();
        Assert.Equal(0, await app.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.WebhookInbox)));

        var errors = app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)
            || l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, $"KABAR_FUZZ_SEED={seed}: {errors.Count} error line(s), first: {errors.FirstOrDefault()}");

        using (var health = await app.CreateClient().GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var wamid = $"wamid.AFTER{seed}";
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281277009001", wamid, At, "Halo"))));
        Assert.True(await app.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(d.InboundMessages, m => m.Wamid == wamid)),
            $"KABAR_FUZZ_SEED={seed}: the valid post after the noise was not stored");

        Assert.True(answered.ContainsKey(200) && answered.ContainsKey(400), $"KABAR_FUZZ_SEED={seed}: answers {Summary(answered)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{db}: seed {seed}, {perKind * 4} bodies in {clock.Elapsed.TotalSeconds:F1} s; answers {Summary(answered)}"));
    }

    private static string Summary(SortedDictionary<int, int> answered) =>
        string.Join(", ", answered.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}×{a.Value}")));

    private static string Show(byte[] body) =>
        body.Length > 600 ? Convert.ToHexString(body, 0, 600) + "…" : Encoding.Latin1.GetString(body);

    private string LastError() => app.Logs.Lines.LastOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? "(no error logged)";
}

public sealed class WebhookByteFuzzTests_Sqlite(PostgresServer postgres, ITestOutputHelper output)
    : WebhookByteFuzzTests(Db.Sqlite, postgres, output);

public sealed class WebhookByteFuzzTests_Postgres(PostgresServer postgres, ITestOutputHelper output)
    : WebhookByteFuzzTests(Db.Postgres, postgres, output);

/// <summary>One to three byte-level changes to a JSON body, each described for the failure message.</summary>
public static class ByteMutations
{
    private static readonly byte[][] BadBytes =
    [
        [0x80], [0xC0], [0xFF], [0xC0, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xFE, 0xFF],
    ];

    private static readonly string[] Escapes = ["\\ud800", "\\udfff", "\\ud83d", "\\ude00\\ud83d", "\\u0000", "\\ud800\\u0041"];

    private static readonly string[] Keys = ["id", "type", "from", "wa_id", "status", "timestamp", "field", "body", "value", "message_template_name", "recipient_id", "name"];

    public static (byte[] Body, string What) Mutate(byte[] original, Random random)
    {
        var body = new List<byte>(original);
        var what = new List<string>();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            what.Add(MutateOnce(body, random));
        }

        return ([.. body], string.Join("; ", what));
    }

    private static string MutateOnce(List<byte> body, Random random)
    {
        var strings = InsideStrings(body);
        var inString = strings.Count > 0 ? strings[random.Next(strings.Count)] : random.Next(body.Count);
        var anywhere = random.Next(body.Count + 1);
        switch (random.Next(11))
        {
            case 0 or 1:
                {
                    var bad = BadBytes[random.Next(BadBytes.Length)];
                    body.InsertRange(inString, bad);
                    return $"inserted {Convert.ToHexString(bad)} in a string at {inString}";
                }

            case 2:
                {
                    var bad = BadBytes[random.Next(BadBytes.Length)];
                    if (inString < body.Count) // an earlier cut may have left nothing to replace
                    {
                        body.RemoveAt(inString);
                    }

                    body.InsertRange(inString, bad);
                    return $"replaced byte {inString} of a string with {Convert.ToHexString(bad)}";
                }

            case 3:
                {
                    var bad = BadBytes[random.Next(BadBytes.Length)];
                    body.InsertRange(anywhere, bad);
                    return $"inserted {Convert.ToHexString(bad)} at {anywhere}";
                }

            case 4 or 5:
                {
                    var escape = Escapes[random.Next(Escapes.Length)];
                    body.InsertRange(inString, Encoding.ASCII.GetBytes(escape));
                    return $"inserted {escape} in a string at {inString}";
                }

            case 6:
                {
                    var at = random.Next(body.Count);
                    body.RemoveRange(at, body.Count - at);
                    return $"cut at {at}";
                }

            case 7:
                body.Insert(random.Next(2) == 0 ? inString : anywhere, 0x00);
                return "inserted a raw NUL";
            case 8:
                {
                    var depth = random.Next(2) == 0 ? random.Next(1, 64) : random.Next(64, 5_000);
                    return ReplaceValue(body, random, new string('[', depth) + "1" + new string(']', depth), $"nested {depth} deep");
                }

            case 9:
                {
                    string[] numbers = ["1e999999", "-1e999999", new string('9', random.Next(20, 5_000)), "0.0000000000000000000000001", "-0", "17640468000000000000"];
                    var number = numbers[random.Next(numbers.Length)];
                    return ReplaceValue(body, random, number, $"number {(number.Length > 30 ? number[..30] + "…" : number)}");
                }

            default:
                {
                    // A key again, in front of itself, with another value: JSON allows it, readers differ on which wins.
                    var key = Keys[random.Next(Keys.Length)];
                    var needle = Encoding.ASCII.GetBytes($"\"{key}\":");
                    var at = IndexOf(body, needle, random);
                    if (at < 0)
                    {
                        return $"no key {key} to duplicate";
                    }

                    string[] values = ["\"x\"", "null", "1", "{}", "[]", "\"\\ud800\"", "\"wamid.DUP\""];
                    var value = values[random.Next(values.Length)];
                    body.InsertRange(at, Encoding.ASCII.GetBytes($"\"{key}\":{value},"));
                    return $"duplicated key {key} as {value}";
                }
        }
    }

    /// <summary>Replaces the string value that starts after a random <c>":"</c> with <paramref name="value"/>.</summary>
    private static string ReplaceValue(List<byte> body, Random random, string value, string what)
    {
        var at = IndexOf(body, "\":\""u8.ToArray(), random);
        if (at < 0)
        {
            return $"no string value for {what}";
        }

        var start = at + 2;
        var end = body.IndexOf((byte)'"', start + 1);
        if (end < 0)
        {
            return $"no string value for {what}";
        }

        body.RemoveRange(start, end - start + 1);
        body.InsertRange(start, Encoding.ASCII.GetBytes(value));
        return what;
    }

    /// <summary>A random occurrence of <paramref name="needle"/>, or -1.</summary>
    private static int IndexOf(List<byte> body, byte[] needle, Random random)
    {
        var found = new List<int>();
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(body);
        for (var from = 0; from < span.Length;)
        {
            var i = span[from..].IndexOf(needle);
            if (i < 0)
            {
                break;
            }

            found.Add(from + i);
            from += i + 1;
        }

        return found.Count == 0 ? -1 : found[random.Next(found.Count)];
    }

    /// <summary>Positions inside string tokens (between the quotes, not right after a backslash).</summary>
    private static List<int> InsideStrings(List<byte> body)
    {
        var positions = new List<int>();
        var inside = false;
        var escaped = false;
        for (var i = 0; i < body.Count; i++)
        {
            var b = body[i];
            if (!inside)
            {
                inside = b == '"';
                continue;
            }

            if (escaped)
            {
                escaped = false;
                continue;
            }

            if (b == '\\')
            {
                escaped = true;
                continue;
            }

            if (b == '"')
            {
                inside = false;
                continue;
            }

            positions.Add(i);
        }

        return positions;
    }
}
