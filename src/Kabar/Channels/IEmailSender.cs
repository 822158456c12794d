namespace Kabar.Channels;

/// <summary>Sends e-mail over SMTP, or writes <c>.eml</c> files when no SMTP server is configured.</summary>
public interface IEmailSender
{
    Task<ChannelSendResult> SendAsync(EmailMessage message, CancellationToken ct);
}
