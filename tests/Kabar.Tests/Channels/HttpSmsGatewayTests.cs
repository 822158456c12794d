using System.Text.Json;
using Kabar.Channels;
using Microsoft.AspNetCore.Http;

namespace Kabar.Tests.Channels;

/// <summary>The generic HTTP SMS gateway (SPEC §6, §13) against a real HTTP listener.</summary>
public sealed class HttpSmsGatewayTests
{
    private const string Phone = "+6281234567890";

    private static ChannelHost Host(string url) => ChannelHost.Create(new()
    {
        ["Kabar:Sms:Provider"] = "Http",
        ["Kabar:Sms:Http:Url"] = url,
        ["Kabar:Sms:Http:Token"] = "gateway-secret-0123",
        ["Kabar:Sms:Http:Timeout"] = "00:00:10",
    });

    [Fact]
    public async Task Send_Gateway2xx_PostsJsonWithBearerAndIsAcceptedWithItsId()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(202, """{"messageId":"gw-778","status":"queued"}"""));
        await using var host = Host(gateway.Url + "/send");

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "Izin Anda sudah terbit.", "attempt-1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("gw-778", result.ProviderMessageId);
        Assert.Equal("Http", host.Sms.Provider);
        var request = Assert.Single(gateway.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/send", request.Path);
        Assert.Equal("Bearer gateway-secret-0123", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(Phone, body.RootElement.GetProperty("to").GetString());
        Assert.Equal("Izin Anda sudah terbit.", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("attempt-1", body.RootElement.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Send_PlainBody_IsAcceptedWithoutId()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(200, "OK", "text/plain"));
        await using var host = Host(gateway.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-2"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Null(result.ProviderMessageId);
        Assert.Equal("Bearer gateway-secret-0123", Assert.Single(gateway.Requests).Authorization);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Send_GatewayOverloaded_FailsRetryable(int status)
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(status, """{"error":"busy"}"""));
        await using var host = Host(gateway.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-3"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error);
    }

    [Fact]
    public async Task Send_Gateway400EchoingTheNumber_FailsNotRetryableWithMaskedExcerpt()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(400, """{"error":"invalid destination 6281234567890"}"""));
        await using var host = Host(gateway.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-4"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("HTTP 400", result.Error);
        Assert.Contains("invalid destination", result.Error);
        Assert.DoesNotContain("34567890", result.Error);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("34567890", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_GatewayNeverAnswers_IsUnknownAfterTheTimeout()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await TestHttpServer.StartAsync(async context =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await using var host = Host(gateway.Url);

        var sending = host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-5"), CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(sending.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SendOutcome.Unknown, result.Outcome);
        Assert.Single(gateway.Requests);
    }

    [Fact]
    public async Task Send_GatewayDropsTheConnection_IsUnknown()
    {
        await using var gateway = await TestHttpServer.StartAsync(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        await using var host = Host(gateway.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-6"), CancellationToken.None);

        Assert.Equal(SendOutcome.Unknown, result.Outcome);
        Assert.Single(gateway.Requests);
    }

    [Fact]
    public async Task Send_NothingListening_FailsRetryable()
    {
        await using var host = Host($"http://127.0.0.1:{ChannelHost.ClosedPort()}/send");

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-7"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Contains("ConnectionRefused", result.Error);
    }

    [Fact]
    public async Task Send_Gateway500_IsNotRetriedByTheClient()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(StatusCodes.Status502BadGateway, ""));
        await using var host = Host(gateway.Url);

        await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-8"), CancellationToken.None);

        // A second POST would be a second SMS to the citizen; only the dispatcher retries.
        Assert.Single(gateway.Requests);
    }
}
