using System.Collections.Concurrent;
using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>The outage breakers of one dispatcher: one per business number, one for SMS, one for e-mail.</summary>
internal sealed class OutageBreakers(Func<NotificationOptions> options)
{
    private readonly ConcurrentDictionary<string, OutageBreaker> breakers = new();

    public static string WhatsAppProvider(string phoneNumberId) => $"whatsapp:{phoneNumberId}";

    /// <summary>The breaker of a business number (<c>whatsapp:{id}</c>), or of the SMS or e-mail provider.</summary>
    public OutageBreaker For(string provider) => breakers.GetOrAdd(provider, p => new OutageBreaker(p, options));

    public OutageBreaker For(Channel channel, string phoneNumberId) => For(channel switch
    {
        Channel.WhatsApp => WhatsAppProvider(phoneNumberId),
        Channel.Sms => "sms",
        _ => "email",
    });
}
