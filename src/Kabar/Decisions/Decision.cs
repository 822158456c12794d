using System.Text.Json.Serialization;
using Kabar.Consent;
using Kabar.Notifications;

namespace Kabar.Decisions;

/// <summary>The stable reason codes of SPEC §5, one per row of the decision table.</summary>
public enum DecisionReason
{
    [JsonStringEnumMemberName("no_whatsapp_identity")] NoWhatsAppIdentity,
    [JsonStringEnumMemberName("opted_out")] OptedOut,
    [JsonStringEnumMemberName("marketing_opted_out")] MarketingOptedOut,
    [JsonStringEnumMemberName("not_on_whatsapp")] NotOnWhatsApp,
    [JsonStringEnumMemberName("window_closed")] WindowClosed,
    [JsonStringEnumMemberName("opted_in")] OptedIn,
    [JsonStringEnumMemberName("service_window")] ServiceWindow,
    [JsonStringEnumMemberName("no_consent")] NoConsent,
}

/// <summary>A channel a message goes on: <c>whatsapp</c>, <c>sms</c> or <c>email</c>; <c>none</c> when nothing is (or may be) sent.</summary>
public enum Channel
{
    [JsonStringEnumMemberName("whatsapp")] WhatsApp,
    [JsonStringEnumMemberName("sms")] Sms,
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>WhatsApp's template categories, which set the price (SPEC §1).</summary>
public enum MessageCategory
{
    [JsonStringEnumMemberName("utility")] Utility,
    [JsonStringEnumMemberName("marketing")] Marketing,
    [JsonStringEnumMemberName("authentication")] Authentication,
}

/// <summary>What the decision needs to know about the person.</summary>
public sealed record DecisionContact
{
    /// <summary>E.164 phone, if Kabar has a usable one.</summary>
    public string? Phone { get; init; }

    public string? BusinessScopedUserId { get; init; }
    public string? Email { get; init; }
    public ConsentState WhatsApp { get; init; }
    public ConsentState Marketing { get; init; }
    public DateTime? LastInboundAt { get; init; }
    public DateTime? UndeliverableAt { get; init; }
    public DateTime? LastOptInRequestAt { get; init; }

    /// <summary>The phone's ISO region (<c>ID</c>) when it is a mobile number, for the SMS country allowlist; null for a landline.</summary>
    public string? PhoneRegion { get; init; }
}

public sealed record DecisionMessage(MessageKind Kind, MessageCategory Category, bool HasTemplateVariant = false);

public sealed record DecisionPolicy
{
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan WindowSafetyMargin { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan UndeliverableRecheck { get; init; } = TimeSpan.FromDays(30);
    public TimeSpan OptInCooldown { get; init; } = TimeSpan.FromDays(7);
    public IReadOnlyCollection<string> SmsCountries { get; init; } = ["ID"];
}

/// <summary>The verdict for one message to one person at one instant (SPEC §5, §13).</summary>
public sealed record Decision
{
    /// <summary>Whether WhatsApp is allowed.</summary>
    public bool CanSend { get; init; }

    /// <summary>Where the message would go.</summary>
    public Channel Channel { get; init; }

    /// <summary>
    /// The row of the decision table that applied (SPEC §5): no_whatsapp_identity, opted_out,
    /// marketing_opted_out, not_on_whatsapp, window_closed, opted_in, service_window or no_consent.
    /// </summary>
    public DecisionReason Reason { get; init; }

    /// <summary>The person's WhatsApp consent: unknown, granted or withdrawn.</summary>
    public ConsentState OptIn { get; init; }

    /// <summary>Whether the person's 24-hour customer service window is open now.</summary>
    public bool WindowOpen { get; init; }

    /// <summary>When the window closes (UTC, with the safety margin taken off); null when the person never wrote.</summary>
    public DateTime? WindowExpiresAt { get; init; }

    /// <summary>Whether the WhatsApp send is charged (utility templates inside the window are free).</summary>
    public bool Billable { get; init; }

    /// <summary>Business-initiated outside the window: counts against the portfolio's messaging limit.</summary>
    public bool CountsAgainstMessagingLimit { get; init; }

    /// <summary>Whether an SMS or e-mail fallback carries a personal link asking for WhatsApp consent (row 8).</summary>
    public bool IncludesOptInLink { get; init; }

    /// <summary>The WhatsApp message form that would go out: the request's, or the template variant of a text.</summary>
    public MessageKind? MessageKind { get; init; }

    /// <summary>WhatsApp's price category of the send: utility, marketing, authentication or service.</summary>
    public string? PriceCategory { get; init; }
}

/// <summary>
/// The decision table of SPEC §5 as a pure function: no clock, no database, no configuration
/// beyond its arguments. Rows are checked in order; the first that applies wins.
/// </summary>
public static class SendDecision
{
    public static DateTime? WindowExpiresAt(DateTime? lastInboundAt, DecisionPolicy policy) =>
        lastInboundAt is { } last ? last + policy.Window - policy.WindowSafetyMargin : null;

    public static Decision Decide(DecisionContact contact, DecisionMessage message, DateTime now, DecisionPolicy policy)
    {
        var expiresAt = WindowExpiresAt(contact.LastInboundAt, policy);
        var windowOpen = expiresAt is { } e && now < e;
        var basis = new Decision
        {
            OptIn = contact.WhatsApp,
            WindowOpen = windowOpen,
            WindowExpiresAt = expiresAt,
        };

        // 1. Nobody to address on WhatsApp.
        if (contact.Phone is null && contact.BusinessScopedUserId is null)
        {
            return basis with
            {
                Channel = contact.Email is not null ? Channel.Email : Channel.None,
                Reason = DecisionReason.NoWhatsAppIdentity,
            };
        }

        // 2. The person stopped WhatsApp: fall back, and do not ask again.
        if (contact.WhatsApp == ConsentState.Withdrawn)
        {
            return Fallback(basis, contact, DecisionReason.OptedOut, optInLink: false);
        }

        // 3. Stopped marketing only: marketing goes nowhere.
        if (message.Category == MessageCategory.Marketing && contact.Marketing == ConsentState.Withdrawn)
        {
            return basis with { Channel = Channel.None, Reason = DecisionReason.MarketingOptedOut };
        }

        // 4. WhatsApp said 131026 recently: the number is not on WhatsApp.
        if (contact.UndeliverableAt is { } undeliverable && now - undeliverable < policy.UndeliverableRecheck)
        {
            return Fallback(basis, contact, DecisionReason.NotOnWhatsApp, optInLink: false);
        }

        var kind = message.Kind;

        // 5. Free-form text needs an open window (else 131047); a template variant may stand in.
        if (kind == Notifications.MessageKind.Text && !windowOpen)
        {
            if (!message.HasTemplateVariant)
            {
                return Fallback(basis, contact, DecisionReason.WindowClosed, optInLink: false);
            }

            kind = Notifications.MessageKind.Template;
        }

        // 6. A template to someone who opted in.
        if (kind == Notifications.MessageKind.Template && contact.WhatsApp == ConsentState.Granted)
        {
            return WhatsApp(basis, kind, message.Category, DecisionReason.OptedIn);
        }

        // 7. The person wrote within the window: their message is the permission to answer.
        if (windowOpen)
        {
            return WhatsApp(basis, kind, message.Category, DecisionReason.ServiceWindow);
        }

        // 8. No consent and no window: fall back and ask, unless asked within the cooldown.
        var askedRecently = contact.LastOptInRequestAt is { } asked && now - asked < policy.OptInCooldown;
        return Fallback(basis, contact, DecisionReason.NoConsent, optInLink: !askedRecently);

        Decision Fallback(Decision d, DecisionContact c, DecisionReason reason, bool optInLink)
        {
            var channel = FallbackChannel(c, policy);
            return d with
            {
                Channel = channel,
                Reason = reason,
                IncludesOptInLink = optInLink && channel != Channel.None,
            };
        }
    }

    private static Decision WhatsApp(Decision basis, MessageKind kind, MessageCategory category, DecisionReason reason)
    {
        var isTemplate = kind == MessageKind.Template;

        // Since 1 July 2025 only delivered templates are charged, and utility templates inside an
        // open customer service window are free (Meta, "Pricing").
        var billable = isTemplate && !(category == MessageCategory.Utility && basis.WindowOpen);
        return basis with
        {
            CanSend = true,
            Channel = Channel.WhatsApp,
            Reason = reason,
            MessageKind = kind,
            PriceCategory = isTemplate ? Common.EnumText<MessageCategory>.Name(category) : "service",
            Billable = billable,
            CountsAgainstMessagingLimit = !basis.WindowOpen,
        };
    }

    /// <summary>SMS to a mobile number where its country allows it, else e-mail, else nothing.</summary>
    public static Channel FallbackChannel(DecisionContact contact, DecisionPolicy policy)
    {
        if (contact.Phone is not null && contact.PhoneRegion is { } region && policy.SmsCountries.Contains(region))
        {
            return Channel.Sms;
        }

        return contact.Email is not null ? Channel.Email : Channel.None;
    }
}
