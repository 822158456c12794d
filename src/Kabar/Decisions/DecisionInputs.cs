using Kabar.Channels;
using Kabar.Common;
using Kabar.Contacts;
using Microsoft.Extensions.Options;

namespace Kabar.Decisions;

/// <summary>Builds the decision's inputs from configuration and stored contacts.</summary>
public sealed class DecisionInputs(IOptions<PolicyOptions> policy, IOptions<SmsOptions> sms)
{
    public DecisionPolicy Policy { get; } = new()
    {
        Window = policy.Value.Window,
        WindowSafetyMargin = policy.Value.WindowSafetyMargin,
        UndeliverableRecheck = policy.Value.UndeliverableRecheck,
        OptInCooldown = policy.Value.OptInCooldown,
        SmsCountries = sms.Value.EffectiveAllowedCountries.ToHashSet(StringComparer.OrdinalIgnoreCase),
    };

    public static DecisionContact From(Contact c) => new()
    {
        Phone = c.Phone,
        PhoneRegion = PhoneNormalizer.SmsRegionOf(c.Phone),
        BusinessScopedUserId = c.BusinessScopedUserId,
        Email = c.Email,
        WhatsApp = c.WhatsAppConsent,
        Marketing = c.MarketingConsent,
        LastInboundAt = c.LastInboundAt,
        UndeliverableAt = c.UndeliverableAt,
        LastOptInRequestAt = c.LastOptInRequestAt,
    };
}
