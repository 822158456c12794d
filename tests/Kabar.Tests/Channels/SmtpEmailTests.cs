using Kabar.Channels;

namespace Kabar.Tests.Channels;

/// <summary>E-mail over SMTP through MailKit, against a real SMTP server in the test process.</summary>
public sealed class SmtpEmailTests
{
    private const string Body = "Yth. Ibu Siti Aminah,\n\nIzin usaha Anda nomor 503/0186/IU/2026 sudah terbit. Silakan unduh di tautan berikut.\n\nTerima kasih.";

    private static readonly EmailMessage Message = new(
        "siti@example.id", "Siti Aminah", "Izin Anda sudah terbit — DPMPTSP", Body, "<p>Izin usaha Anda <b>sudah terbit</b>.</p>", "attempt-42");

    private static ChannelHost Host(int port, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kabar:Email:Smtp:Host"] = "127.0.0.1",
            ["Kabar:Email:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kabar:Email:Smtp:From"] = "DPMPTSP Kabupaten Karo <kabar@karokab.go.id>",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return ChannelHost.Create(settings);
    }

    [Fact]
    public async Task Send_ServerAccepts_DeliversUtf8MessageWithReferenceHeader()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = Host(smtp.Port);

        var result = await host.Email.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        var received = Assert.Single(smtp.Messages);
        Assert.Equal(received.MessageId, result.ProviderMessageId);
        Assert.EndsWith("@karokab.go.id", received.MessageId);
        Assert.Equal("siti@example.id", Assert.Single(received.To.Mailboxes).Address);
        Assert.Equal("Siti Aminah", received.To.Mailboxes.Single().Name);
        Assert.Equal("kabar@karokab.go.id", Assert.Single(received.From.Mailboxes).Address);
        Assert.Equal("Izin Anda sudah terbit — DPMPTSP", received.Subject);
        Assert.Equal(Body, received.TextBody?.ReplaceLineEndings("\n")?.TrimEnd('\n'));
        Assert.Contains("<b>sudah terbit</b>", received.HtmlBody);
        Assert.Equal("attempt-42", received.Headers[EmailComposer.ReferenceHeader]);
        Assert.Equal(host.Time.GetUtcNow(), received.Date);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("siti@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_ServerRequiresLoginOverPlainConnection_LogsInAndDelivers()
    {
        await using var smtp = await TestSmtpServer.StartAsync(login: ("kabar", "s3cret"));
        await using var host = Host(smtp.Port, new()
        {
            ["Kabar:Email:Smtp:Username"] = "kabar",
            ["Kabar:Email:Smtp:Password"] = "s3cret",
            ["Kabar:Email:Smtp:UseTls"] = "false",
        });

        var result = await host.Email.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("kabar", Assert.Single(smtp.Logins));
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Send_WrongPassword_FailsNotRetryableAndNamesTheSettings()
    {
        await using var smtp = await TestSmtpServer.StartAsync(login: ("kabar", "s3cret"));
        await using var host = Host(smtp.Port, new()
        {
            ["Kabar:Email:Smtp:Username"] = "kabar",
            ["Kabar:Email:Smtp:Password"] = "wrong",
        });

        var result = await host.Email.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("Kabar:Email:Smtp:Username", result.Error);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Send_ServerRefusesRecipientWith550_FailsNotRetryable()
    {
        await using var smtp = await TestSmtpServer.StartAsync(acceptRecipient: to => to != "siti@example.id");
        await using var host = Host(smtp.Port);

        var result = await host.Email.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("SMTP 550", result.Error);
        Assert.DoesNotContain("siti@", result.Error);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Send_NothingListening_FailsRetryable()
    {
        await using var host = Host(ChannelHost.ClosedPort());

        var result = await host.Email.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Failed, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Contains("ConnectionRefused", result.Error);
    }

    [Fact]
    public async Task Send_ServerSilentAfterData_IsUnknownAfterTheTimeout()
    {
        await using var smtp = await TestSmtpServer.StartAsync(silentAfterData: true);
        await using var host = Host(smtp.Port, new() { ["Kabar:Email:Smtp:Timeout"] = "00:00:30" });

        var sending = host.Email.SendAsync(Message, CancellationToken.None);
        await smtp.DataArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(sending.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        // The server had the whole message; resending could give the citizen two copies.
        Assert.Equal(SendOutcome.Unknown, result.Outcome);
    }
}
