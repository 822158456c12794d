using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Privacy;

namespace Kabar.Tests.Admin;

/// <summary>The console's table of words: every code Kabar stores has one in each language, and times read as the office's.</summary>
public sealed class ConsoleLabelsTests
{
    [Fact]
    public void EveryEnumCode_HasAnIndonesianAndAnEnglishWord()
    {
        var missing = new List<string>();
        void Check<T>() where T : struct, Enum
        {
            foreach (var code in EnumText<T>.All)
            {
                if (!ConsoleLabels.Knows(typeof(T).Name, code))
                {
                    missing.Add($"{typeof(T).Name}.{code}");
                }
            }
        }

        Check<NotificationState>();
        Check<AttemptStatus>();
        Check<DecisionReason>();
        Check<Channel>();
        Check<ConsentState>();
        Check<ConsentAction>();
        Check<ConsentScope>();
        Check<ConsentSource>();
        Check<LegalBasis>();
        Check<MessageCategory>();
        Check<MessageKind>();
        Check<CampaignState>();
        Check<CampaignChannels>();
        Check<ExperimentState>();
        Check<AskOutcome>();
        Check<PermitStatus>();
        Check<AssigneeRole>();
        Check<DataSubjectRequestKind>();
        Check<DataSubjectRequestOutcome>();
        Check<DeliveryOutcome>();
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryNotificationType_IncludingKabarsOwnReplies_HasAWord()
    {
        var types = NotificationCatalog.All.Select(t => t.Name).Concat([
            SystemNotificationTypes.OptOutConfirmation, SystemNotificationTypes.MarketingOptOutConfirmation, SystemNotificationTypes.OptInConfirmation,
            SystemNotificationTypes.InboxReply]);
        Assert.All(types, t => Assert.True(ConsoleLabels.Knows(ConsoleLabels.NotificationType, t), t));
    }

    [Fact]
    public void Word_IsTheReadersLanguage_AndAnUnknownCodeBecomesAPhrase()
    {
        Assert.Equal("formulir pendaftaran", ConsoleLabels.Word(ConsentSource.RegistrationForm, english: false));
        Assert.Equal("registration form", ConsoleLabels.Word(ConsentSource.RegistrationForm, english: true));
        Assert.Equal("tanpa nomor HP atau email", ConsoleLabels.Word(ConsoleLabels.SkipReason, "no_address", english: false));
        Assert.Equal("berjalan", ConsoleLabels.Word(CampaignState.Running, english: false));
        // A fallback for a decision's reason reads as that reason.
        Assert.Equal("berhenti WhatsApp", ConsoleLabels.Word(ConsoleLabels.FallbackReason, "opted_out", english: false));
        Assert.Equal("something new", ConsoleLabels.Word(ConsoleLabels.FallbackReason, "something_new", english: false));
    }

    [Fact]
    public void ErrorMeanings_SayWhatStaffDo_InTheReadersLanguage()
    {
        var (meaning, action) = ErrorMeanings.Describe(190, english: false);
        Assert.Equal("Token akses kedaluwarsa atau tidak sah", meaning);
        Assert.Contains("Lanjutkan", action, StringComparison.Ordinal);
        Assert.Contains("Nothing to do", ErrorMeanings.Describe(130429, english: true).Action, StringComparison.Ordinal);
        Assert.Equal("Access token expired or invalid", ErrorMeanings.For(190)); // the API keeps its English meaning
    }

    [Theory]
    [InlineData("Asia/Jakarta", "25-11-2026 10:00 WIB")]
    [InlineData("Asia/Makassar", "25-11-2026 11:00 WITA")]
    [InlineData("Asia/Jayapura", "25-11-2026 12:00 WIT")]
    [InlineData("Asia/Kolkata", "25-11-2026 08:30 UTC+05:30")]
    public void OfficeClock_ShowsTheOfficesTime_WithTheZoneIndonesiansName(string zone, string expected) =>
        Assert.Equal(expected, OfficeClock.Format(new DateTime(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc), OfficeClock.Zone(zone)));
}
