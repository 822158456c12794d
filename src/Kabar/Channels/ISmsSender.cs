namespace Kabar.Channels;

/// <summary>Sends SMS through the configured provider (<c>Kabar:Sms:Provider</c>).</summary>
public interface ISmsSender
{
    /// <summary><c>Simulator</c>, <c>Twilio</c> or <c>Http</c>.</summary>
    string Provider { get; }

    Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct);
}
