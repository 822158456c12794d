using Kabar.Common;
using Kabar.Contacts;

namespace Kabar.Channels;

/// <summary>
/// Wraps every SMS provider: refuses numbers outside <c>Kabar:Sms:AllowedCountries</c> (SMS pumping
/// fraud sends to premium foreign numbers at the sender's cost), whatever the caller decided, and
/// logs each outcome with the number masked.
/// </summary>
internal sealed class AllowedCountriesSmsSender(ISmsSender inner, SmsOptions options, ILogger<AllowedCountriesSmsSender> logger) : ISmsSender
{
    public string Provider => inner.Provider;

    internal ISmsSender Inner => inner;

    public async Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var region = PhoneNormalizer.RegionOf(message.To);
        var allowed = options.EffectiveAllowedCountries;
        ChannelSendResult result;
        if (region is null || !allowed.Contains(region, StringComparer.Ordinal))
        {
            result = new ChannelSendResult(
                SendOutcome.Failed,
                Error: region is null
                    ? "not a valid phone number for SMS"
                    : $"SMS to region {region} is not allowed (Kabar:Sms:AllowedCountries: {string.Join(", ", allowed)})",
                Retryable: false);
        }
        else
        {
            result = await inner.SendAsync(message, ct);
        }

        var level = result.Outcome == SendOutcome.Accepted ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "SMS {Reference} to {To} via {Provider}: {Outcome} {ProviderMessageId} {Error}",
            message.Reference, Pii.MaskPhone(message.To), inner.Provider, result.Outcome, result.ProviderMessageId, result.Error);
        return result;
    }
}
