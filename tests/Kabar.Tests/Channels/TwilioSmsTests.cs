using System.Text;
using Kabar.Channels;
using Microsoft.AspNetCore.WebUtilities;

namespace Kabar.Tests.Channels;

/// <summary>Twilio's Messages API, with <c>Kabar:Sms:Twilio:BaseUrl</c> pointing at a real local listener.</summary>
public sealed class TwilioSmsTests
{
    private const string Phone = "+6281234567890";
    private const string AccountSid = "AC00000000000000000000000000000001";

    private static ChannelHost Host(string baseUrl, string from = "+15017122661", string? callback = null) => ChannelHost.Create(new()
    {
        ["Kabar:Sms:Provider"] = "Twilio",
        ["Kabar:Sms:Twilio:AccountSid"] = AccountSid,
        ["Kabar:Sms:Twilio:AuthToken"] = "twilio-token",
        ["Kabar:Sms:Twilio:From"] = from,
        ["Kabar:Sms:Twilio:BaseUrl"] = baseUrl,
        ["Kabar:Sms:Twilio:StatusCallbackUrl"] = callback,
    });

    [Fact]
    public async Task Send_Twilio201_PostsFormWithBasicAuthAndIsAcceptedWithSid()
    {
        await using var twilio = await TestHttpServer.StartAsync(TestHttpServer.Answer(201, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"""));
        await using var host = Host(twilio.Url, callback: "https://kabar.example.id/webhooks/sms/twilio");

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "Izin Anda sudah terbit: ambil di loket 3.", "attempt-1"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("SM0123456789abcdef0123456789abcdef", result.ProviderMessageId);
        var request = Assert.Single(twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:twilio-token")), request.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType);
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal(Phone, form["To"].ToString());
        Assert.Equal("Izin Anda sudah terbit: ambil di loket 3.", form["Body"].ToString());
        Assert.Equal("+15017122661", form["From"].ToString());
        Assert.False(form.ContainsKey("MessagingServiceSid"));
        Assert.Equal("https://kabar.example.id/webhooks/sms/twilio", form["StatusCallback"].ToString());
    }

    [Fact]
    public async Task Send_FromIsMessagingService_SendsMessagingServiceSidInsteadOfFrom()
    {
        await using var twilio = await TestHttpServer.StartAsync(TestHttpServer.Answer(201, """{"sid":"SM1"}"""));
        await using var host = Host(twilio.Url, from: "MG00000000000000000000000000000002");

        await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-2"), CancellationToken.None);

        var form = QueryHelpers.ParseQuery(Assert.Single(twilio.Requests).Body);
        Assert.Equal("MG00000000000000000000000000000002", form["MessagingServiceSid"].ToString());
        Assert.False(form.ContainsKey("From"));
        Assert.False(form.ContainsKey("StatusCallback"));
    }

    [Fact]
    public async Task Send_TwilioError21211_FailsNotRetryableWithCodeAndNoNumber()
    {
        await using var twilio = await TestHttpServer.StartAsync(TestHttpServer.Answer(400,
            """{"code":21211,"message":"The 'To' number +6281234567890 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"""));
        await using var host = Host(twilio.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-3"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("21211", result.Error);
        Assert.Contains("not a valid phone number", result.Error);
        Assert.DoesNotContain("34567890", result.Error);
    }

    [Fact]
    public async Task Send_TwilioTooManyRequests_FailsRetryable()
    {
        await using var twilio = await TestHttpServer.StartAsync(TestHttpServer.Answer(429,
            """{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}"""));
        await using var host = Host(twilio.Url);

        var result = await host.Sms.SendAsync(new SmsMessage(Phone, "halo", "attempt-4"), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Contains("20429", result.Error);
    }
}
