using Kabar.Common;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Kabar.Channels;

/// <summary>Builds the MIME message both e-mail senders send or store, so the two cannot drift apart.</summary>
internal sealed class EmailComposer(IOptions<EmailOptions> email, IOptions<OfficeOptions> office, TimeProvider time)
{
    /// <summary>Carries the attempt id, so a bounce or a stored file leads back to the attempt.</summary>
    public const string ReferenceHeader = "X-Kabar-Reference";

    public MailboxAddress From =>
        string.IsNullOrWhiteSpace(email.Value.Smtp.From)
            ? new MailboxAddress(office.Value.Name, "no-reply@localhost")
            : MailboxAddress.Parse(email.Value.Smtp.From);

    public MimeMessage Compose(EmailMessage message)
    {
        var from = From;
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = time.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(DomainOf(from.Address)),
        };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress(message.ToName ?? "", message.To));
        mime.Headers.Add(ReferenceHeader, message.Reference);
        var body = new BodyBuilder { TextBody = message.TextBody };
        if (!string.IsNullOrEmpty(message.HtmlBody))
        {
            body.HtmlBody = message.HtmlBody;
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    private static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "localhost";
    }
}
