using Kabar.Channels;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Kabar.Tests.Channels;

/// <summary>Without an SMTP host, e-mail becomes <c>.eml</c> files under the outbox folder (SPEC §6, §12).</summary>
public sealed class EmailOutboxTests
{
    [Fact]
    public async Task Send_NoSmtpHost_WritesAParseableEmlUnderTheDayFolder()
    {
        await using var host = ChannelHost.Create([]);

        var result = await host.Email.SendAsync(
            new EmailMessage("siti@example.id", "Siti Aminah", "Dokumen kurang", "Mohon lengkapi fotokopi KTP dan NPWP.", null, "attempt-7"),
            CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        var path = Path.Combine(host.ContentRoot, "data", "outbox", "20261125", "attempt-7.eml");
        Assert.True(File.Exists(path), $"expected {path}");
        Assert.Equal(["attempt-7.eml"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        var message = await MimeMessage.LoadAsync(path);
        Assert.Equal(result.ProviderMessageId, message.MessageId);
        Assert.Equal("siti@example.id", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Dokumen kurang", message.Subject);
        Assert.Contains("Mohon lengkapi fotokopi KTP dan NPWP.", message.TextBody);
        Assert.Equal("attempt-7", message.Headers[EmailComposer.ReferenceHeader]);
        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal("DPMPTSP Kabupaten Karo", from.Name);
        Assert.Equal("no-reply@localhost", from.Address);
    }

    [Fact]
    public async Task List_ByAddress_ShowsOnlyThatPersonsMailNewestFirst()
    {
        await using var host = ChannelHost.Create(new() { ["Kabar:Email:OutboxPath"] = "mail" });
        await host.Email.SendAsync(new EmailMessage("siti@example.id", null, "Pertama", "1", null, "a1"), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromDays(1));
        await host.Email.SendAsync(new EmailMessage("budi@example.id", null, "Lain", "2", null, "a2"), CancellationToken.None);
        await host.Email.SendAsync(new EmailMessage("Siti@Example.id", null, "Kedua", "3", null, "a3"), CancellationToken.None);

        var outbox = host.Services.GetRequiredService<EmailOutbox>();
        var siti = outbox.List("siti@example.id");

        Assert.Equal(["Kedua", "Pertama"], siti.Select(e => e.Subject));
        Assert.Equal(["a3", "a1"], siti.Select(e => e.Reference));
        Assert.Equal(3, outbox.List().Count);
        // A relative outbox is under the data folder (Kabar:DataPath, data/ by default), never the working directory.
        Assert.StartsWith(Path.Combine(host.ContentRoot, "data", "mail"), siti[0].Path);
    }
}
