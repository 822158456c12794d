using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Notifications;
using Kabar.WhatsApp;

namespace Kabar.Fuzz;

/// <summary>
/// Kabar's parsers of outside bytes, each run on one input as its caller runs it. An input the
/// caller would refuse (malformed JSON, a phone that is no number) returns quietly; anything
/// else that throws, or an answer that breaks the parser's own promise, is a crash for the fuzzer.
/// </summary>
public static class FuzzTargets
{
    public static readonly string[] Names = ["json-text", "sms-report", "phone", "csv", "webhook"];

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // Created on first use, inside a run: instrumented code must not execute before SharpFuzz has
    // set up its shared memory with AFL++ (it would write to memory that is not there yet).
    private static PhoneNormalizer? phones;

    private static PhoneNormalizer Phones => phones ??= new("ID");

    public static void Run(string target, byte[] input)
    {
        switch (target)
        {
            case "json-text":
                JsonText(input);
                break;
            case "sms-report":
                SmsReport(input);
                break;
            case "phone":
                Phone(input);
                break;
            case "csv":
                Csv(input);
                break;
            case "webhook":
                Webhook(input);
                break;
            default:
                throw new ArgumentException($"Unknown target '{target}'; the targets are {string.Join(", ", Names)}.", nameof(target));
        }
    }

    /// <summary>
    /// The request-body guard (<see cref="RequestBodies.FirstInvalidString"/>): when it passes a
    /// JSON body, every string and property name in it must read as text, as the endpoints read them.
    /// </summary>
    private static void JsonText(byte[] input)
    {
        if (RequestBodies.FirstInvalidString(input) is not null)
        {
            return;
        }

        if (Parse(input) is not { } document)
        {
            return;
        }

        using (document)
        {
            ReadEveryString(document.RootElement);
        }
    }

    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadEveryString(property.Value);
                }

                break;
        }
    }

    /// <summary>An SMS gateway's delivery report, bound as <c>POST /webhooks/sms/http</c> binds it, and its status word mapped.</summary>
    private static void SmsReport(byte[] input)
    {
        if (RequestBodies.FirstInvalidString(input) is not null)
        {
            return; // refused with 422 before binding
        }

        SmsWebhookApi.DeliveryReport? report;
        try
        {
            report = JsonSerializer.Deserialize<SmsWebhookApi.DeliveryReport>(input, Web);
        }
        catch (JsonException)
        {
            return; // 400
        }

        if (report?.Status is { } status)
        {
            _ = SmsDeliveryReports.Map(status);
        }

        _ = Guid.TryParse(report?.Reference, out _);
        _ = report?.At?.ToUniversalTime();
    }

    /// <summary>Phone normalisation: an answer is E.164, and normalising it again gives it back.</summary>
    private static void Phone(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var e164 = Phones.Normalize(text);
        if (e164 is not null)
        {
            if (e164[0] != '+' || !e164.Skip(1).All(char.IsAsciiDigit))
            {
                throw new InvalidOperationException($"'{text}' normalised to '{e164}', which is not E.164.");
            }

            if (Phones.Normalize(e164) != e164)
            {
                throw new InvalidOperationException($"'{e164}' does not normalise to itself.");
            }

            _ = PhoneNormalizer.RegionOf(e164);
        }

        _ = PhoneNormalizer.FromWaId(text);
    }

    /// <summary>A CSV import file read as both imports read it: header, rows, the UTF-8 and formula checks, phone cells.</summary>
    private static void Csv(byte[] input)
    {
        using var stream = new MemoryStream(input);
        using var reader = CsvImport.Open(stream, null);
        var header = CsvImport.ReadHeaderAsync(reader, CancellationToken.None).GetAwaiter().GetResult();
        while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            _ = reader.LineNumber;
            if (CsvImport.FirstInvalidUtf8Field(reader) >= 0)
            {
                continue;
            }

            for (var i = 0; i < Math.Min(reader.FieldCount, header.Length); i++)
            {
                var value = reader.GetString(i);
                if (CsvImport.LooksLikeFormula(value))
                {
                    _ = CsvImport.FormulaReason(value);
                }

                if (header[i] is "phone" or "holder_phone")
                {
                    _ = Phones.Normalize(value);
                }
            }
        }
    }

    /// <summary>Meta's webhook envelope, read leniently (read-only use of <see cref="WebhookPayload.Parse"/>).</summary>
    private static void Webhook(byte[] input)
    {
        if (Parse(input) is not { } document)
        {
            return; // 400
        }

        using (document)
        {
            _ = WebhookPayload.Parse(document.RootElement);
        }
    }

    /// <summary>The bytes as a JSON document, or null when they are no JSON (the endpoints answer 400).</summary>
    private static JsonDocument? Parse(byte[] input)
    {
        try
        {
            return JsonDocument.Parse(input);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
