using Kabar.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Channels;

/// <summary>The default SMS simulator, and the allowed-countries guard every provider sits behind.</summary>
public sealed class SmsSimulatorAndCountryTests
{
    private const string Phone = "+6281234567890";

    [Fact]
    public async Task Send_DefaultSettings_LandsInTheSimulatorInbox()
    {
        await using var host = ChannelHost.Create([]);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "Dokumen Anda kurang: KTP.", "attempt-1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("Simulator", host.Sms.Provider);
        var simulator = host.Services.GetRequiredService<SmsSimulator>();
        var sms = Assert.Single(simulator.Received(Phone));
        Assert.Equal(result.ProviderMessageId, sms.Id);
        Assert.Equal("Dokumen Anda kurang: KTP.", sms.Text);
        Assert.Equal("attempt-1", sms.Reference);
        Assert.Equal(host.Time.GetUtcNow().UtcDateTime, sms.At);
        Assert.Empty(simulator.Received("+6281299990000"));
    }

    [Fact]
    public async Task Send_AfterFailNext_FailsOnceThenDelivers()
    {
        await using var host = ChannelHost.Create([]);
        var simulator = host.Services.GetRequiredService<SmsSimulator>();
        simulator.FailNext(Phone, retryable: true);

        var first = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-1"), CancellationToken.None);
        var second = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-2"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, first.Outcome);
        Assert.True(first.Retryable);
        Assert.Equal(SendOutcome.Accepted, second.Outcome);
        Assert.Equal("attempt-2", Assert.Single(simulator.Received(Phone)).Reference);
    }

    [Fact]
    public async Task Send_UsNumberWithDefaultCountries_IsRefusedAndNeverReachesTheProvider()
    {
        await using var gateway = await TestHttpServer.StartAsync(TestHttpServer.Answer(200, "{}"));
        await using var host = ChannelHost.Create(new()
        {
            ["Kabar:Sms:Provider"] = "Http",
            ["Kabar:Sms:Http:Url"] = gateway.Url,
            ["Kabar:Sms:Http:Token"] = "gateway-secret-0123",
        });

        var result = await host.Sms.SendAsync(new SmsMessage("+12025550143", "halo", "attempt-1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("US", result.Error);
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Send_CountryAddedToAllowedCountries_GoesOut()
    {
        await using var host = ChannelHost.Create(new()
        {
            ["Kabar:Sms:AllowedCountries:0"] = "ID",
            ["Kabar:Sms:AllowedCountries:1"] = "MY",
        });

        var malaysia = await host.Sms.SendAsync(new SmsMessage("+60123456789", "halo", "attempt-1"), CancellationToken.None);
        var us = await host.Sms.SendAsync(new SmsMessage("+12025550143", "halo", "attempt-2"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, malaysia.Outcome);
        Assert.Equal(SendOutcome.Failed, us.Outcome);
        Assert.Single(host.Services.GetRequiredService<SmsSimulator>().Received());
    }

    [Fact]
    public async Task Send_Any_LogsTheNumberOnlyMasked()
    {
        await using var host = ChannelHost.Create([]);

        await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-1"), CancellationToken.None);

        Assert.Contains(host.Logs.Lines, l => l.Contains("+62812****7890", StringComparison.Ordinal) && l.Contains("attempt-1", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("34567890", StringComparison.Ordinal));
    }
}
