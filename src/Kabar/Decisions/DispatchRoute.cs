using Kabar.Consent;
using Kabar.Notifications;

namespace Kabar.Decisions;

/// <summary>
/// What the dispatcher knows of one claimed notification when it chooses the channel: the channel
/// that carried it last (or the one a campaign chose when it queued it), the opt-in campaign that
/// queued it (which reserved the cooldown for it), and when its earlier try was made, if any.
/// </summary>
public readonly record struct RouteNotice(
    string Type,
    MessageKind Kind,
    MessageCategory Category,
    bool Essential,
    Channel Channel,
    string? FallbackReason,
    bool IncludeOptInLink,
    Guid? CampaignId,
    DateTime? PreviousTryAt);

/// <summary>
/// Where a claimed notification goes. <see cref="Finish"/> set: it goes nowhere and ends in that
/// state, with <see cref="Error"/>. <see cref="Decision"/> set: the decision table was asked (it is
/// recorded on the notification). <see cref="FallbackReason"/> set: WhatsApp was given up for that reason.
/// </summary>
public readonly record struct RouteChoice(
    Channel Channel,
    Decision? Decision,
    bool OptInLink,
    NotificationState? Finish = null,
    string? Error = null,
    string? FallbackReason = null)
{
    public bool Sends => Finish is null;
}

/// <summary>
/// The routing policy at send time as a pure function: a fallback keeps to SMS or e-mail, a keyword
/// confirmation needs the window, an opt-in request respects the cooldown, everything else follows
/// the decision table (<see cref="SendDecision"/>).
/// </summary>
public static class DispatchRoute
{
    public static RouteChoice Choose(RouteNotice n, DecisionContact contact, DateTime now, DecisionPolicy policy,
        IReadOnlyCollection<string> skipFallbackTypes)
    {
        if (n.FallbackReason is not null)
        {
            return Fallback(n, contact, policy);
        }

        if (SystemNotificationTypes.IsSystem(n.Type))
        {
            // Keyword confirmations answer the person's own message: free-form text inside the
            // window they just opened, even after a STOP (the only WhatsApp message then allowed).
            return SendDecision.WindowExpiresAt(contact.LastInboundAt, policy) is { } e && now < e
                ? new RouteChoice(Channel.WhatsApp, null, false)
                : Stop(NotificationState.Skipped, "The customer service window closed before the confirmation could go out.");
        }

        if (n.Type == NotificationCatalog.OptInRequest)
        {
            return OptInRequest(n, contact, now, policy);
        }

        var decision = SendDecision.Decide(contact, new DecisionMessage(n.Kind, n.Category), now, policy);
        if (decision.Channel == Channel.WhatsApp)
        {
            return new RouteChoice(Channel.WhatsApp, decision, false);
        }

        var reason = Common.EnumText<DecisionReason>.Name(decision.Reason);
        if (SystemNotificationTypes.IsAnswer(n.Type))
        {
            // An inbox answer whose window closed (or whose person sent STOP) since it was queued.
            return new RouteChoice(Channel.None, decision, false, NotificationState.Skipped,
                "The answer was written for WhatsApp, which the decision no longer allows; it is not sent by SMS or e-mail.", reason);
        }

        if (decision.Channel == Channel.None || (!n.Essential && skipFallbackTypes.Contains(n.Type, StringComparer.Ordinal)))
        {
            return new RouteChoice(Channel.None, decision, false, NotificationState.Skipped, FallbackReason: reason);
        }

        return new RouteChoice(decision.Channel, decision, decision.IncludesOptInLink, FallbackReason: reason);
    }

    private static RouteChoice Fallback(RouteNotice n, DecisionContact contact, DecisionPolicy policy)
    {
        var fallback = SendDecision.FallbackChannel(contact, policy);
        if (fallback == Channel.Sms && n.PreviousTryAt is not null && n.Channel == Channel.Email)
        {
            // The SMS could not be delivered: e-mail is the last way to reach the person.
            fallback = contact.Email is not null ? Channel.Email : Channel.None;
        }

        return fallback == Channel.None
            ? Stop(NotificationState.Failed, "No SMS-capable phone or e-mail address to fall back to.")
            : new RouteChoice(fallback, null, n.IncludeOptInLink);
    }

    private static RouteChoice OptInRequest(RouteNotice n, DecisionContact contact, DateTime now, DecisionPolicy policy)
    {
        var channel = SendDecision.FallbackChannel(contact, policy);
        if (n.Channel is Channel.Sms or Channel.Email)
        {
            // A campaign chose the channel when it queued the request (an e-mail-only campaign
            // must not turn into an SMS); it still needs the address.
            channel = n.Channel == Channel.Email ? (contact.Email is null ? Channel.None : Channel.Email)
                : channel == Channel.Sms ? Channel.Sms : Channel.None;
        }

        // A campaign reserved the cooldown for this very request when it queued it (the guarded
        // update of LastOptInRequestAt), so its own reservation is not "asked recently"; nor is a
        // request this very notice made before, whose send failed or was held.
        var asked = n.CampaignId is null && contact.LastOptInRequestAt is { } a && now - a < policy.OptInCooldown
            && !(n.PreviousTryAt is { } previous && a >= previous);
        if (channel == Channel.None || asked || contact.WhatsApp != ConsentState.Unknown)
        {
            return Stop(NotificationState.Skipped, asked ? "An opt-in request went out within the cooldown." : channel == Channel.None
                ? "No SMS-capable phone or e-mail address." : "The person already chose.");
        }

        return new RouteChoice(channel, null, true);
    }

    private static RouteChoice Stop(NotificationState state, string error) => new(Channel.None, null, false, state, error);
}
