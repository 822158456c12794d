using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Tests.Decisions;

/// <summary>Every row of SPEC §5's decision table, its order and its boundaries.</summary>
public sealed class DecisionTableTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DecisionPolicy Policy = new();
    private static readonly DecisionMessage UtilityTemplate = new(MessageKind.Template, MessageCategory.Utility);
    private static readonly DecisionMessage MarketingTemplate = new(MessageKind.Template, MessageCategory.Marketing);
    private static readonly DecisionMessage FreeText = new(MessageKind.Text, MessageCategory.Utility);

    private static DecisionContact Person(ConsentState whatsapp = ConsentState.Unknown) => new()
    {
        Phone = "+6281234567890",
        PhoneRegion = "ID",
        Email = "siti@example.id",
        WhatsApp = whatsapp,
    };

    private static Decision Decide(DecisionContact c, DecisionMessage m, DateTime? now = null) =>
        SendDecision.Decide(c, m, now ?? Now, Policy);

    [Fact]
    public void Row1_NoPhoneNoBusinessId_EmailWhenKnown()
    {
        var d = Decide(Person(ConsentState.Granted) with { Phone = null, PhoneRegion = null }, UtilityTemplate);
        Assert.Equal((false, Channel.Email, DecisionReason.NoWhatsAppIdentity), (d.CanSend, d.Channel, d.Reason));
    }

    [Fact]
    public void Row1_NoPhoneNoBusinessIdNoEmail_Nothing()
    {
        var d = Decide(Person() with { Phone = null, PhoneRegion = null, Email = null }, UtilityTemplate);
        Assert.Equal((false, Channel.None, DecisionReason.NoWhatsAppIdentity), (d.CanSend, d.Channel, d.Reason));
    }

    [Fact]
    public void Row1_BusinessScopedIdOnly_IsAWhatsAppIdentity()
    {
        var d = Decide(Person(ConsentState.Granted) with { Phone = null, PhoneRegion = null, BusinessScopedUserId = "ID.1234567890" }, UtilityTemplate);
        Assert.Equal((true, Channel.WhatsApp, DecisionReason.OptedIn), (d.CanSend, d.Channel, d.Reason));
    }

    [Fact]
    public void Row2_Withdrawn_FallsBackWithoutOptInLink_EvenInsideWindow()
    {
        var d = Decide(Person(ConsentState.Withdrawn) with { LastInboundAt = Now.AddMinutes(-1) }, UtilityTemplate);
        Assert.Equal((false, Channel.Sms, DecisionReason.OptedOut, false), (d.CanSend, d.Channel, d.Reason, d.IncludesOptInLink));
        Assert.True(d.WindowOpen);
    }

    [Fact]
    public void Row3_MarketingWithdrawn_MarketingGoesNowhere()
    {
        var d = Decide(Person(ConsentState.Granted) with { Marketing = ConsentState.Withdrawn }, MarketingTemplate);
        Assert.Equal((false, Channel.None, DecisionReason.MarketingOptedOut), (d.CanSend, d.Channel, d.Reason));
    }

    [Fact]
    public void Row3_MarketingWithdrawn_UtilityStillGoesOnWhatsApp()
    {
        var d = Decide(Person(ConsentState.Granted) with { Marketing = ConsentState.Withdrawn }, UtilityTemplate);
        Assert.Equal((true, DecisionReason.OptedIn), (d.CanSend, d.Reason));
    }

    [Fact]
    public void Row2_BeforeRow3_WithdrawnWhatsAppWinsForMarketing()
    {
        var d = Decide(Person(ConsentState.Withdrawn) with { Marketing = ConsentState.Withdrawn }, MarketingTemplate);
        Assert.Equal(DecisionReason.OptedOut, d.Reason);
    }

    [Fact]
    public void Row4_UndeliverableWithinRecheck_FallsBack()
    {
        var d = Decide(Person(ConsentState.Granted) with { UndeliverableAt = Now - Policy.UndeliverableRecheck + TimeSpan.FromSeconds(1) }, UtilityTemplate);
        Assert.Equal((false, Channel.Sms, DecisionReason.NotOnWhatsApp), (d.CanSend, d.Channel, d.Reason));
    }

    [Fact]
    public void Row4_UndeliverableRecheckElapsed_TriesWhatsAppAgain()
    {
        var d = Decide(Person(ConsentState.Granted) with { UndeliverableAt = Now - Policy.UndeliverableRecheck }, UtilityTemplate);
        Assert.Equal((true, DecisionReason.OptedIn), (d.CanSend, d.Reason));
    }

    [Fact]
    public void Row5_TextWithWindowClosed_NoVariant_FallsBack()
    {
        var d = Decide(Person(ConsentState.Granted), FreeText);
        Assert.Equal((false, Channel.Sms, DecisionReason.WindowClosed, false), (d.CanSend, d.Channel, d.Reason, d.IncludesOptInLink));
    }

    [Fact]
    public void Row5_TextWithWindowClosed_TemplateVariant_GoesAsTemplateToOptedIn()
    {
        var d = Decide(Person(ConsentState.Granted), FreeText with { HasTemplateVariant = true });
        Assert.Equal((true, DecisionReason.OptedIn, MessageKind.Template), (d.CanSend, d.Reason, d.MessageKind));
        Assert.True(d.Billable);
    }

    [Fact]
    public void Row5_TextWithWindowClosed_TemplateVariant_WithoutConsent_IsNoConsent()
    {
        var d = Decide(Person(), FreeText with { HasTemplateVariant = true });
        Assert.Equal((false, DecisionReason.NoConsent, true), (d.CanSend, d.Reason, d.IncludesOptInLink));
    }

    [Fact]
    public void Row6_TemplateOptedIn_OutsideWindow_BillableAndCounted()
    {
        var d = Decide(Person(ConsentState.Granted), UtilityTemplate);
        Assert.Equal((true, Channel.WhatsApp, DecisionReason.OptedIn), (d.CanSend, d.Channel, d.Reason));
        Assert.True(d.Billable);
        Assert.True(d.CountsAgainstMessagingLimit);
        Assert.Equal("utility", d.PriceCategory);
    }

    [Fact]
    public void Row6_UtilityTemplateOptedIn_InsideWindow_IsFreeAndNotCounted()
    {
        var d = Decide(Person(ConsentState.Granted) with { LastInboundAt = Now.AddHours(-1) }, UtilityTemplate);
        Assert.Equal(DecisionReason.OptedIn, d.Reason);
        Assert.False(d.Billable);
        Assert.False(d.CountsAgainstMessagingLimit);
    }

    [Fact]
    public void Row6_MarketingTemplate_InsideWindow_IsStillBillable()
    {
        var d = Decide(Person(ConsentState.Granted) with { LastInboundAt = Now.AddHours(-1) }, MarketingTemplate);
        Assert.True(d.Billable);
        Assert.Equal("marketing", d.PriceCategory);
    }

    [Fact]
    public void Row7_WindowOpen_NoConsent_TemplateAllowed()
    {
        var d = Decide(Person() with { LastInboundAt = Now.AddHours(-2) }, UtilityTemplate);
        Assert.Equal((true, Channel.WhatsApp, DecisionReason.ServiceWindow), (d.CanSend, d.Channel, d.Reason));
        Assert.False(d.Billable);
    }

    [Fact]
    public void Row7_WindowOpen_FreeText_IsFreeService()
    {
        var d = Decide(Person(ConsentState.Granted) with { LastInboundAt = Now.AddHours(-2) }, FreeText);
        Assert.Equal((true, DecisionReason.ServiceWindow, MessageKind.Text, "service"), (d.CanSend, d.Reason, d.MessageKind, d.PriceCategory));
        Assert.False(d.Billable);
        Assert.False(d.CountsAgainstMessagingLimit);
    }

    [Fact]
    public void Row8_NoConsentNoWindow_SmsWithOptInLink()
    {
        var d = Decide(Person(), UtilityTemplate);
        Assert.Equal((false, Channel.Sms, DecisionReason.NoConsent, true), (d.CanSend, d.Channel, d.Reason, d.IncludesOptInLink));
        Assert.False(d.Billable);
        Assert.False(d.CountsAgainstMessagingLimit);
    }

    [Fact]
    public void Row8_OptInRequestWithinCooldown_NoSecondLink()
    {
        var d = Decide(Person() with { LastOptInRequestAt = Now - Policy.OptInCooldown + TimeSpan.FromSeconds(1) }, UtilityTemplate);
        Assert.Equal((DecisionReason.NoConsent, Channel.Sms, false), (d.Reason, d.Channel, d.IncludesOptInLink));
    }

    [Fact]
    public void Row8_CooldownElapsed_LinkAgain()
    {
        var d = Decide(Person() with { LastOptInRequestAt = Now - Policy.OptInCooldown }, UtilityTemplate);
        Assert.True(d.IncludesOptInLink);
    }

    [Fact]
    public void Fallback_ForeignNumber_GoesByEmailNotSms()
    {
        var d = Decide(Person() with { Phone = "+14155550123", PhoneRegion = "US" }, UtilityTemplate);
        Assert.Equal(Channel.Email, d.Channel);
    }

    [Fact]
    public void Fallback_ForeignNumberWithoutEmail_GoesNowhereAndOffersNoLink()
    {
        var d = Decide(Person() with { Phone = "+14155550123", PhoneRegion = "US", Email = null }, UtilityTemplate);
        Assert.Equal((Channel.None, false), (d.Channel, d.IncludesOptInLink));
    }

    // The window is 24 h from the person's message, less the 5-minute safety margin.
    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    public void Window_AroundExpiryWithMargin(int secondsFromExpiry, bool open)
    {
        var lastInbound = Now - TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(secondsFromExpiry);
        var d = Decide(Person() with { LastInboundAt = lastInbound }, FreeText);
        Assert.Equal(open, d.WindowOpen);
        Assert.Equal(lastInbound + TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5), d.WindowExpiresAt);
        Assert.Equal(open ? DecisionReason.ServiceWindow : DecisionReason.WindowClosed, d.Reason);
    }

    [Fact]
    public void Window_MarginIsTakenOffTheEnd_24hMinus4MinutesIsAlreadyClosed()
    {
        var d = Decide(Person() with { LastInboundAt = Now - TimeSpan.FromHours(24) + TimeSpan.FromMinutes(4) }, FreeText);
        Assert.False(d.WindowOpen);
    }

    [Fact]
    public void Window_ZeroMargin_OpenUntilFull24Hours()
    {
        var policy = Policy with { WindowSafetyMargin = TimeSpan.Zero };
        var last = Now - TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1);
        Assert.True(SendDecision.Decide(Person() with { LastInboundAt = last }, FreeText, Now, policy).WindowOpen);
        Assert.False(SendDecision.Decide(Person() with { LastInboundAt = last }, FreeText, Now.AddSeconds(1), policy).WindowOpen);
    }

    [Fact]
    public void Decision_ReportsOptInState()
    {
        Assert.Equal(ConsentState.Withdrawn, Decide(Person(ConsentState.Withdrawn), UtilityTemplate).OptIn);
        Assert.Equal(ConsentState.Unknown, Decide(Person(), UtilityTemplate).OptIn);
    }
}
