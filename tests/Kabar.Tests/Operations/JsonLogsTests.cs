using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Operations;

/// <summary>
/// <c>Kabar:Logging:Json=true</c> on a real process: stdout is one JSON object per line for the
/// log shipper, and phone numbers and e-mail addresses stay masked there (SPEC §11), including in
/// the request lines ASP.NET Core writes with the query string.
/// </summary>
public sealed class JsonLogsTests : IAsyncLifetime
{
    private const string ApiKey = "json-logs-test-key-0123456789";
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"kabar-jsonlogs-{Guid.NewGuid():N}");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task JsonConsole_WritesOneObjectPerLine_WithPhonesAndEmailsMasked()
    {
        var url = $"http://127.0.0.1:{KabarProcess.FreePort()}";
        await using var kabar = KabarProcess.Start(directory,
        [
            "--urls", url,
            $"--ConnectionStrings:Kabar=Data Source={Path.Combine(directory, "kabar.db")}",
            $"--Kabar:Api:Keys:0={ApiKey}",
            "--Kabar:WhatsApp:AppSecret=json-logs-secret",
            "--Kabar:WhatsApp:VerifyToken=json-logs-verify",
            "--Kabar:Logging:Json=true",
            $"--Kabar:Email:OutboxPath={Path.Combine(directory, "outbox")}",
            // Request logging on: it writes the query string, where API clients put phone numbers.
            "--Logging:LogLevel:Default=Information",
            "--Logging:LogLevel:Microsoft.AspNetCore=Information",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Warning",
        ]);
        await kabar.WaitUntilReadyAsync(url, TimeSpan.FromSeconds(60));

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        (await client.PostAsJsonAsync("/api/contacts", new { phone = "0812-7777-9001", name = "Siti", email = "siti.aminah@example.id" })).Dispose();
        (await client.GetAsync("/api/contacts?phone=081277779001")).Dispose();
        (await client.GetAsync("/api/contacts?phone=%2B6281277779002")).Dispose();
        (await client.GetAsync("/api/contacts?phone=siti.aminah%40example.id")).Dispose();
        (await client.GetAsync("/healthz?done=1")).Dispose();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!kabar.Output.Contains("done=1", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var output = kabar.Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line); // throws, failing the test, on a line that is not JSON
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
        }

        Assert.Contains(lines, l => l.Contains("Request starting", StringComparison.Ordinal) && l.Contains("/api/contacts", StringComparison.Ordinal));
        foreach (var secret in new[] { "77779001", "77779002", "siti.aminah" })
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the logs:\n{output}");
        }
    }
}
