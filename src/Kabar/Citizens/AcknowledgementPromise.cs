using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Citizens;

/// <summary>
/// What the registration page promises about the acknowledgement, from the decision table applied
/// to what the form was given: the number (and whether it can take an SMS), the e-mail and the
/// tick. It is exactly what a new number gets. For a known number the stored consent may differ;
/// the page then says so conditionally rather than showing a stranger that person's consent
/// (docs/citizen-pages.md, "No enumeration").
/// </summary>
/// <param name="Channel">Where the acknowledgement goes: WhatsApp, SMS, e-mail or nowhere.</param>
/// <param name="Fallback">Where it goes when WhatsApp cannot carry it (SMS, e-mail or none).</param>
/// <param name="SmsReachable">Whether the number is a mobile in a country SMS goes to.</param>
/// <param name="Sent">False when the day's acknowledgements for this number were already used.</param>
public sealed record AcknowledgementPromise(Channel Channel, Channel Fallback, bool SmsReachable, bool Sent)
{
    public static AcknowledgementPromise For(string phone, string? email, bool ticked, bool sent, DecisionPolicy policy, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var person = new DecisionContact
        {
            Phone = phone,
            PhoneRegion = PhoneNormalizer.SmsRegionOf(phone),
            Email = email,
            WhatsApp = ticked ? ConsentState.Granted : ConsentState.Unknown,
        };
        var decision = SendDecision.Decide(person, new DecisionMessage(MessageKind.Template, MessageCategory.Utility), now, policy);
        var fallback = SendDecision.FallbackChannel(person, policy);
        return new AcknowledgementPromise(decision.Channel, fallback, CanTakeSms(phone, policy), sent);
    }

    /// <summary>Whether Kabar sends SMS to this number: a mobile in <c>Kabar:Sms:AllowedCountries</c>.</summary>
    public static bool CanTakeSms(string phone, DecisionPolicy policy) =>
        PhoneNormalizer.SmsRegionOf(phone) is { } region && (policy ?? throw new ArgumentNullException(nameof(policy))).SmsCountries.Contains(region);
}
