namespace Kabar.Channels;

/// <summary>What became of one send request to a provider.</summary>
public enum SendOutcome
{
    /// <summary>The provider took the message (not yet delivered).</summary>
    Accepted,

    /// <summary>The provider answered with an error, or the request never left: nothing was sent.</summary>
    Failed,

    /// <summary>The request may have reached the provider but no answer came (timeout, dropped connection).</summary>
    Unknown,
}

/// <summary>The answer of an SMS or e-mail provider.</summary>
/// <param name="Outcome">Accepted, failed or unknown.</param>
/// <param name="ProviderMessageId">The provider's id for the message, when it gave one.</param>
/// <param name="Error">A short reason when it failed, without personal data.</param>
/// <param name="Retryable">Whether the same request may succeed later (5xx, 429, connection refused).</param>
public sealed record ChannelSendResult(SendOutcome Outcome, string? ProviderMessageId = null, string? Error = null, bool Retryable = false)
{
    public static ChannelSendResult Accepted(string? providerMessageId) => new(SendOutcome.Accepted, providerMessageId);
}

/// <summary>One SMS: <paramref name="To"/> in E.164 with '+', <paramref name="Reference"/> the attempt id.</summary>
public sealed record SmsMessage(string To, string Text, string Reference);

/// <summary>Sends SMS through the configured provider (<c>Kabar:Sms:Provider</c>).</summary>
public interface ISmsSender
{
    /// <summary><c>Simulator</c>, <c>Twilio</c> or <c>Http</c>.</summary>
    string Provider { get; }

    Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct);
}

/// <summary>One e-mail; <paramref name="Reference"/> is the attempt id (kept in a header for tracing).</summary>
public sealed record EmailMessage(string To, string? ToName, string Subject, string TextBody, string? HtmlBody, string Reference);

/// <summary>Sends e-mail over SMTP, or writes <c>.eml</c> files when no SMTP server is configured.</summary>
public interface IEmailSender
{
    Task<ChannelSendResult> SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>Applies an SMS delivery report (<c>POST /webhooks/sms/http</c>) to the attempt it names.</summary>
public interface ISmsDeliveryReports
{
    /// <summary>Returns false when no attempt has that reference.</summary>
    Task<bool> ApplyAsync(string reference, string status, DateTime at, CancellationToken ct);
}
