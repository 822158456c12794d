using Kabar.Channels;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Channels;

/// <summary>A channel setting that could never work stops Kabar at start-up, naming the key (STYLE §14).</summary>
public sealed class ChannelStartupValidationTests(PostgresServer postgres)
{
    public static TheoryData<Dictionary<string, string?>, string> BadSettings => new()
    {
        { new() { ["Kabar:Sms:Provider"] = "Http" }, "Kabar:Sms:Http:Url" },
        { new() { ["Kabar:Sms:Provider"] = "Http", ["Kabar:Sms:Http:Url"] = "gateway.local/send", ["Kabar:Sms:Http:Token"] = "gateway-secret-0123" }, "Kabar:Sms:Http:Url" },
        { new() { ["Kabar:Sms:Provider"] = "Http", ["Kabar:Sms:Http:Url"] = "https://gateway.local/send" }, "Kabar:Sms:Http:Token" },
        { new() { ["Kabar:Sms:Provider"] = "Http", ["Kabar:Sms:Http:Url"] = "https://gateway.local/send", ["Kabar:Sms:Http:Token"] = "short" }, "Kabar:Sms:Http:Token" },
        { new() { ["Kabar:Sms:Provider"] = "Twilio", ["Kabar:Sms:Twilio:AccountSid"] = "AC1", ["Kabar:Sms:Twilio:From"] = "+15017122661" }, "Kabar:Sms:Twilio:AuthToken" },
        { new() { ["Kabar:Sms:Provider"] = "Twilio", ["Kabar:Sms:Twilio:AccountSid"] = "AC1", ["Kabar:Sms:Twilio:AuthToken"] = "t" }, "Kabar:Sms:Twilio:From" },
        { new() { ["Kabar:Sms:Provider"] = "Nexmo" }, "Kabar:Sms:Provider" },
        { new() { ["Kabar:Sms:AllowedCountries:0"] = "Indonesia" }, "Kabar:Sms:AllowedCountries:0" },
        { new() { ["Kabar:Email:Smtp:From"] = "not an address <" }, "Kabar:Email:Smtp:From" },
        { new() { ["Kabar:Email:Smtp:Port"] = "0" }, "Kabar:Email:Smtp:Port" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_BadChannelSetting_FailsNamingTheKey(Dictionary<string, string?> settings, string key)
    {
        var error = await Record.ExceptionAsync(async () => await (await KabarApp.StartAsync(Db.Sqlite, postgres, settings)).DisposeAsync());

        Assert.NotNull(error);
        Assert.Contains(key, Messages(error));
    }

    [Fact]
    public async Task Start_DefaultSettings_UsesTheSimulatorAndTheOutbox()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);

        Assert.Equal("Simulator", app.Services.GetRequiredService<ISmsSender>().Provider);
        Assert.IsType<OutboxEmailSender>(app.Services.GetRequiredService<IEmailSender>());
    }

    private static string Messages(Exception error) => error switch
    {
        AggregateException many => string.Join(" | ", many.InnerExceptions.Select(Messages)),
        _ => error.Message + (error.InnerException is null ? "" : " | " + Messages(error.InnerException)),
    };
}
