using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kabar.Benchmarks;

/// <summary>
/// The ceiling for webhook ingest: a bare ASP.NET Core app that verifies <c>X-Hub-Signature-256</c>
/// over the raw body (HMAC-SHA256, constant-time comparison) and parses the batch with
/// System.Text.Json, storing nothing. Run as its own process (<c>Kabar.Benchmarks bare-webhook
/// --urls URL --secret S</c>), like Kabar; also the baseline of <c>startup</c>.
/// </summary>
public static class BareWebhookServer
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var secret = Encoding.UTF8.GetBytes(builder.Configuration["secret"] ?? "bench-secret");
        var app = builder.Build();
        app.MapGet("/readyz", () => Results.Text("ready"));
        app.MapPost("/webhooks/whatsapp", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var header = request.Headers["X-Hub-Signature-256"].ToString();
            Span<byte> given = stackalloc byte[32];
            Span<byte> expected = stackalloc byte[32];
            if (header.Length != 71 || !header.StartsWith("sha256=", StringComparison.Ordinal)
                || Convert.FromHexString(header.AsSpan(7), given, out _, out _) != System.Buffers.OperationStatus.Done)
            {
                return Results.Unauthorized();
            }

            HMACSHA256.HashData(secret, body, expected);
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return Results.Unauthorized();
            }

            using var json = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            var statuses = 0;
            foreach (var entry in json.RootElement.GetProperty("entry").EnumerateArray())
            {
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                {
                    if (change.GetProperty("value").TryGetProperty("statuses", out var list))
                    {
                        foreach (var status in list.EnumerateArray())
                        {
                            statuses += status.GetProperty("id").GetString() is { Length: > 0 } ? 1 : 0;
                        }
                    }
                }
            }

            return statuses > 0 ? Results.Ok() : Results.BadRequest();
        });
        await app.RunAsync();
    }
}
