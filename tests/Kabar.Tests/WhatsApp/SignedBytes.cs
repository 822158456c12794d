using System.Net.Http.Headers;
using System.Text;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// Webhook bodies as bytes, signed as Meta signs them: a JSON text with a marker whose bytes are
/// then replaced by ones no UTF-8 decoder accepts, or by a JSON escape .NET cannot turn into a string.
/// </summary>
public static class SignedBytes
{
    public const string Marker = "BADBAD";

    /// <summary>The kinds of bad bytes a string value may hold.</summary>
    public static readonly string[] Kinds = ["ff", "c0", "truncated", "surrogate", "reversed"];

    public static byte[] Bad(string kind) => kind switch
    {
        "ff" => [0x78, 0xFF, 0x79],            // a byte that never starts UTF-8
        "c0" => [0xC0, 0x80],                  // an overlong encoding of NUL
        "truncated" => [0xE2, 0x82],           // two bytes of a three-byte sequence (€ without its last)
        "surrogate" => "\\ud800"u8.ToArray(),  // valid JSON, half a UTF-16 surrogate pair
        "reversed" => "\\ude00\\ud83d"u8.ToArray(), // valid JSON, a pair's halves the wrong way round
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The JSON text with every <see cref="Marker"/> replaced by the bytes of <paramref name="kind"/>.</summary>
    public static byte[] Spoil(string json, string kind)
    {
        var parts = json.Split(Marker);
        Assert.True(parts.Length > 1, "the body holds no marker");
        var bad = Bad(kind);
        var body = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                body.AddRange(bad);
            }

            body.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        return [.. body];
    }

    /// <summary>Posts the bytes as they are, signed with the test app secret.</summary>
    public static Task<HttpResponseMessage> PostBytesAsync(this KabarApp app, byte[] body, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature ?? WebhookSignature.Sign(body, KabarApp.AppSecret));
        return app.CreateClient().SendAsync(request);
    }
}
