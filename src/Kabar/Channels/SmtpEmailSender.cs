using System.Net.Sockets;
using Kabar.Common;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kabar.Channels;

/// <summary>
/// Sends over SMTP with MailKit, one connection per message: notification e-mail is a fallback
/// channel with low volume, and a fresh connection never inherits a half-broken session.
/// </summary>
internal sealed class SmtpEmailSender(EmailComposer composer, IOptions<EmailOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task<ChannelSendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        var mime = composer.Compose(message);
        var result = await SendAsync(smtp, mime, ct);
        var level = result.Outcome == SendOutcome.Accepted ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "E-mail {Reference} to {To} via SMTP {Host}: {Outcome} {Error}",
            message.Reference, Pii.MaskEmail(message.To), smtp.Host, result.Outcome, result.Error);
        return result;
    }

    private async Task<ChannelSendResult> SendAsync(SmtpOptions smtp, MimeMessage mime, CancellationToken ct)
    {
        using var timeoutSource = new CancellationTokenSource(smtp.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        using var client = new TrackingSmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            var security = !smtp.UseTls ? SecureSocketOptions.None
                : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, linked.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", linked.Token);
            }

            await client.SendAsync(mime, linked.Token);
            await DisconnectQuietlyAsync(client, time);
            return ChannelSendResult.Accepted(mime.MessageId);
        }
        catch (SmtpCommandException ex)
        {
            // An answer: 4xx says try later, 5xx says this message will never go (e.g. 550 no such mailbox).
            var code = (int)ex.StatusCode;
            return new ChannelSendResult(SendOutcome.Failed, Error: $"SMTP {code} {ex.ErrorCode}: {Pii.MaskText(ex.Message)}", Retryable: code is >= 400 and < 500);
        }
        catch (AuthenticationException ex)
        {
            return new ChannelSendResult(SendOutcome.Failed, Error: $"SMTP login refused (check Kabar:Email:Smtp:Username and :Password): {ex.Message}", Retryable: false);
        }
        catch (Exception ex) when (IsNoAnswer(ex, ct))
        {
            // Once the server accepted the recipients the message text follows; without its final
            // reply the server may have queued the message, and a resend could duplicate it.
            return client.DataMayHaveLeft
                ? new ChannelSendResult(SendOutcome.Unknown, Error: $"SMTP server gave no answer after the message was sent: {Describe(ex)}", Retryable: true)
                : new ChannelSendResult(SendOutcome.Failed, Error: $"SMTP server unreachable: {Describe(ex)}", Retryable: true);
        }
    }

    private static bool IsNoAnswer(Exception ex, CancellationToken ct) =>
        ex is SocketException or IOException or SmtpProtocolException or SslHandshakeException or TimeoutException
        || (ex is OperationCanceledException && !ct.IsCancellationRequested);

    private static string Describe(Exception ex) => ex switch
    {
        SocketException socket => socket.SocketErrorCode.ToString(),
        OperationCanceledException or TimeoutException => "timed out",
        _ => Pii.MaskText(ex.Message),
    };

    private static async Task DisconnectQuietlyAsync(SmtpClient client, TimeProvider time)
    {
        // The message is already accepted; a failing QUIT must not turn that into an error.
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await client.DisconnectAsync(true, quit.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or SmtpProtocolException or SmtpCommandException)
        {
        }
    }

    /// <summary>Notes when every recipient was accepted, the point after which DATA goes out.</summary>
    private sealed class TrackingSmtpClient : SmtpClient
    {
        public bool DataMayHaveLeft { get; private set; }

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response)
        {
            base.OnRecipientAccepted(message, mailbox, response);
            DataMayHaveLeft = true;
        }
    }
}
