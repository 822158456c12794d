using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Tests.Decisions;

/// <summary>Where the dispatcher sends a claimed notice: fallbacks, keyword confirmations, opt-in requests and the decision table.</summary>
public sealed class DispatchRouteTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DecisionPolicy Policy = new(); // 24 h window less 5 min, 7-day opt-in cooldown, SMS to ID only
    private static readonly string[] SkipFallback = ["permit_reminder"];

    private static DecisionContact Person(string? region = "ID", bool email = true, ConsentState whatsApp = ConsentState.Unknown,
        ConsentState marketing = ConsentState.Unknown, int inboundMinutesAgo = -1, int askedDaysAgo = -1) => new()
        {
            Phone = region switch { "ID" => "+6281234567890", "US" => "+12025550143", _ => null },
            PhoneRegion = region,
            Email = email ? "siti@example.id" : null,
            WhatsApp = whatsApp,
            Marketing = marketing,
            LastInboundAt = inboundMinutesAgo < 0 ? null : Now.AddMinutes(-inboundMinutesAgo),
            LastOptInRequestAt = askedDaysAgo < 0 ? null : Now.AddDays(-askedDaysAgo),
        };

    private static RouteNotice Notice(string type = "permit_ready", Channel channel = Channel.None, string? fallbackReason = null,
        bool essential = false, MessageCategory category = MessageCategory.Utility, bool optInLink = false, bool campaign = false,
        int triedDaysAgo = -1) =>
        new(type, MessageKind.Template, category, essential, channel, fallbackReason, optInLink,
            campaign ? Guid.Parse("0194b1a2-7c3d-7e4f-8a5b-6c7d8e9f0a1b") : null, triedDaysAgo < 0 ? null : Now.AddDays(-triedDaysAgo));

    private static RouteChoice Choose(RouteNotice n, DecisionContact c) => DispatchRoute.Choose(n, c, Now, Policy, SkipFallback);

    [Theory]
    [InlineData("ID", true, Channel.WhatsApp, -1, Channel.Sms, null)] // an Indonesian phone takes the SMS
    [InlineData("US", true, Channel.WhatsApp, -1, Channel.Email, null)] // SMS only where the country is allowed
    [InlineData(null, true, Channel.WhatsApp, -1, Channel.Email, null)]
    [InlineData("US", false, Channel.WhatsApp, -1, Channel.None, NotificationState.Failed)] // nowhere to fall back to
    [InlineData("ID", true, Channel.Email, 0, Channel.Email, null)] // the SMS failed and it went on by e-mail: it stays there
    [InlineData("ID", false, Channel.Email, 0, Channel.None, NotificationState.Failed)]
    [InlineData("ID", true, Channel.Email, -1, Channel.Sms, null)] // no earlier try: the SMS comes first
    public void Choose_FallenBack_GoesBySmsThenEmail(string? region, bool email, Channel last, int triedDaysAgo, Channel expected,
        NotificationState? finish)
    {
        var route = Choose(Notice(channel: last, fallbackReason: "whatsapp_outage", optInLink: true, triedDaysAgo: triedDaysAgo),
            Person(region, email));

        Assert.Equal((expected, finish), (route.Channel, route.Finish));
        Assert.Equal(finish is null, route.OptInLink); // the opt-in link chosen before the fallback stays
        Assert.Null(route.Decision);
    }

    [Theory]
    [InlineData(ConsentState.Unknown, 10, Channel.WhatsApp, null)]
    [InlineData(ConsentState.Withdrawn, 10, Channel.WhatsApp, null)] // the STOP confirmation itself
    [InlineData(ConsentState.Granted, 24 * 60 - 6, Channel.WhatsApp, null)] // just inside the window less its margin
    [InlineData(ConsentState.Granted, 24 * 60 - 4, Channel.None, NotificationState.Skipped)] // inside Meta's window, past the margin
    [InlineData(ConsentState.Granted, -1, Channel.None, NotificationState.Skipped)] // the person never wrote
    public void Choose_KeywordConfirmation_OnlyInsideTheWindow(ConsentState whatsApp, int inboundMinutesAgo, Channel expected,
        NotificationState? finish)
    {
        var route = Choose(Notice(SystemNotificationTypes.OptOutConfirmation), Person(whatsApp: whatsApp, inboundMinutesAgo: inboundMinutesAgo));

        Assert.Equal((expected, finish), (route.Channel, route.Finish));
        Assert.Null(route.Decision);
    }

    [Theory]
    [InlineData(ConsentState.Unknown, -1, false, -1, Channel.None, "ID", Channel.Sms, null)]
    [InlineData(ConsentState.Unknown, 8, false, -1, Channel.None, "ID", Channel.Sms, null)] // the cooldown is over
    [InlineData(ConsentState.Unknown, 2, false, -1, Channel.None, "ID", Channel.None, "cooldown")] // asked two days ago
    [InlineData(ConsentState.Unknown, 2, true, -1, Channel.Sms, "ID", Channel.Sms, null)] // the campaign reserved the cooldown for it
    [InlineData(ConsentState.Unknown, 2, false, 2, Channel.Sms, "ID", Channel.Sms, null)] // its own earlier try set the cooldown
    [InlineData(ConsentState.Unknown, 3, false, 2, Channel.Sms, "ID", Channel.None, "cooldown")] // asked before its earlier try, by another notice
    [InlineData(ConsentState.Granted, -1, false, -1, Channel.None, "ID", Channel.None, "already chose")]
    [InlineData(ConsentState.Withdrawn, -1, true, -1, Channel.Sms, "ID", Channel.None, "already chose")]
    [InlineData(ConsentState.Unknown, -1, true, -1, Channel.Email, "ID", Channel.Email, null)] // an e-mail campaign never turns into an SMS
    [InlineData(ConsentState.Unknown, -1, true, -1, Channel.Sms, "US", Channel.None, "No SMS-capable")] // nor an SMS one into an e-mail
    [InlineData(ConsentState.Unknown, -1, false, -1, Channel.None, "US", Channel.Email, null)]
    public void Choose_OptInRequest_RespectsCooldownAndChoice(ConsentState whatsApp, int askedDaysAgo, bool campaign, int triedDaysAgo,
        Channel queued, string region, Channel expected, string? error)
    {
        var route = Choose(Notice(NotificationCatalog.OptInRequest, queued, campaign: campaign, triedDaysAgo: triedDaysAgo),
            Person(region, whatsApp: whatsApp, askedDaysAgo: askedDaysAgo));

        Assert.Equal(expected, route.Channel);
        if (error is null)
        {
            Assert.Equal((true, true), (route.Sends, route.OptInLink));
        }
        else
        {
            Assert.Equal(NotificationState.Skipped, route.Finish);
            Assert.Contains(error, route.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ConsentState.Granted, ConsentState.Unknown, MessageCategory.Utility, "permit_ready", false, Channel.WhatsApp, false, null, null)]
    [InlineData(ConsentState.Unknown, ConsentState.Unknown, MessageCategory.Utility, "permit_ready", false, Channel.Sms, true, "no_consent", null)]
    [InlineData(ConsentState.Withdrawn, ConsentState.Unknown, MessageCategory.Utility, "permit_ready", false, Channel.Sms, false, "opted_out", null)]
    [InlineData(ConsentState.Granted, ConsentState.Withdrawn, MessageCategory.Marketing, "permit_ready", false, Channel.None, false, "marketing_opted_out", NotificationState.Skipped)]
    [InlineData(ConsentState.Unknown, ConsentState.Unknown, MessageCategory.Utility, "permit_reminder", false, Channel.None, false, "no_consent", NotificationState.Skipped)] // configured not to fall back
    [InlineData(ConsentState.Unknown, ConsentState.Unknown, MessageCategory.Utility, "permit_reminder", true, Channel.Sms, true, "no_consent", null)] // essential notices always do
    [InlineData(ConsentState.Granted, ConsentState.Unknown, MessageCategory.Utility, "permit_reminder", false, Channel.WhatsApp, false, null, null)]
    public void Choose_Notice_FollowsTheDecisionTable(ConsentState whatsApp, ConsentState marketing, MessageCategory category, string type,
        bool essential, Channel expected, bool optInLink, string? fallbackReason, NotificationState? finish)
    {
        var route = Choose(Notice(type, essential: essential, category: category), Person(whatsApp: whatsApp, marketing: marketing));

        Assert.Equal((expected, optInLink, fallbackReason, finish), (route.Channel, route.OptInLink, route.FallbackReason, route.Finish));
        Assert.NotNull(route.Decision); // recorded on the notice and in the metrics
        Assert.Null(route.Error);
    }
}
