using Kabar.Common;

namespace Kabar.Channels;

/// <summary>
/// With no SMTP host (the default), e-mail is written as <c>{OutboxPath}/{yyyyMMdd}/{reference}.eml</c>
/// for the sandbox to show (SPEC §6, §12).
/// </summary>
internal sealed class OutboxEmailSender(EmailComposer composer, EmailOutbox outbox, TimeProvider time, ILogger<OutboxEmailSender> logger) : IEmailSender
{
    public async Task<ChannelSendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = composer.Compose(message);
        var folder = Path.Combine(outbox.Root, time.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, EmailOutbox.FileNameFor(message.Reference));

        // Written aside and moved into place, so the sandbox never reads half a file.
        var temp = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = File.Create(temp))
            {
                await mime.WriteToAsync(stream, ct);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        logger.LogInformation("E-mail {Reference} to {To} written to the outbox", message.Reference, Pii.MaskEmail(message.To));
        return ChannelSendResult.Accepted(mime.MessageId);
    }
}
