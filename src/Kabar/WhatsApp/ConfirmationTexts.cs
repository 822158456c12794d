using Kabar.Common;
using Kabar.Notifications;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

/// <summary>
/// The answers to opt-out and opt-in keywords (SPEC §4). The STOP answer says how to come back
/// and that essential permit notices continue by SMS/email (SPEC §5, legal basis).
/// </summary>
internal sealed class ConfirmationTexts(IOptions<OfficeOptions> office, IOptions<PolicyOptions> policy)
{
    public string For(string type, string language)
    {
        var name = office.Value.Name;
        var english = language == "en";
        var optIn = Pick(policy.Value.OptInKeywords, PolicyOptions.DefaultOptInKeywords, english ? "START" : "MULAI");
        var optOut = Pick(policy.Value.OptOutKeywords, PolicyOptions.DefaultOptOutKeywords, "STOP");
        return (type, english) switch
        {
            (SystemNotificationTypes.OptOutConfirmation, false) =>
                $"Anda telah berhenti menerima pesan WhatsApp dari {name}. Pemberitahuan penting tentang izin Anda tetap kami kirim lewat SMS atau email. Untuk berlangganan lagi, balas {optIn}.",
            (SystemNotificationTypes.OptOutConfirmation, true) =>
                $"You will no longer receive WhatsApp messages from {name}. Essential notices about your permits will still reach you by SMS or email. To subscribe again, reply {optIn}.",
            (SystemNotificationTypes.MarketingOptOutConfirmation, false) =>
                $"Anda tidak akan lagi menerima pesan promosi dari {name} di WhatsApp. Pemberitahuan tentang permohonan dan izin Anda tetap dikirim. Untuk berhenti dari semua pesan WhatsApp, balas {optOut}.",
            (SystemNotificationTypes.MarketingOptOutConfirmation, true) =>
                $"You will no longer receive promotional messages from {name} on WhatsApp. Notices about your applications and permits continue. To stop all WhatsApp messages, reply {optOut}.",
            (SystemNotificationTypes.OptInConfirmation, false) =>
                $"Terima kasih. Anda akan menerima pemberitahuan tentang permohonan dan izin Anda dari {name} melalui WhatsApp. Untuk berhenti kapan saja, balas {optOut}.",
            (SystemNotificationTypes.OptInConfirmation, true) =>
                $"Thank you. You will receive notices about your applications and permits from {name} on WhatsApp. To stop at any time, reply {optOut}.",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a keyword confirmation."),
        };
    }

    private static string Pick(string[] configured, string[] defaults, string preferred)
    {
        var list = configured.Length > 0 ? configured : defaults;
        return list.FirstOrDefault(k => string.Equals(k, preferred, StringComparison.OrdinalIgnoreCase)) ?? list[0];
    }
}
