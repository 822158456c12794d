using Kabar.Common;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Tests.WhatsApp;

/// <summary>SPEC §4 step 4: whole-message keywords after normalisation.</summary>
public sealed class KeywordTests
{
    private static readonly Keywords Defaults = new(Options.Create(new PolicyOptions()));

    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData("  Stop  ")]
    [InlineData("Stop!")]
    [InlineData("STOP.")]
    [InlineData("stop 🙏")]
    [InlineData("🛑 STOP 🛑")]
    [InlineData("Berhenti")]
    [InlineData("BERHENTI!!!")]
    [InlineData("unsubscribe")]
    [InlineData("Ｓｔｏｐ")] // full-width letters from some keyboards
    public void OptOut_Variants_Match(string text) => Assert.Equal(KeywordMatch.OptOut, Defaults.Match(text));

    [Theory]
    [InlineData("Stop promotions")]
    [InlineData("STOP PROMOSI")]
    [InlineData("stop   promosi!")]
    [InlineData("Stop-promotions")]
    public void MarketingOptOut_Variants_Match(string text) => Assert.Equal(KeywordMatch.MarketingOptOut, Defaults.Match(text));

    [Theory]
    [InlineData("MULAI")]
    [InlineData("mulai 👍")]
    [InlineData("Start")]
    [InlineData("subscribe")]
    [InlineData("Langganan.")]
    public void OptIn_Variants_Match(string text) => Assert.Equal(KeywordMatch.OptIn, Defaults.Match(text));

    [Theory]
    [InlineData("stop sending me reminders")]
    [InlineData("please stop")]
    [InlineData("stopp")]
    [InlineData("Kapan izin saya selesai?")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("🙏")]
    [InlineData(null)]
    public void NotAWholeKeyword_DoesNotMatch(string? text) => Assert.Equal(KeywordMatch.None, Defaults.Match(text));

    [Fact]
    public void StopPromotionsButton_MatchesOnPayloadOrTitle()
    {
        Assert.Equal(KeywordMatch.MarketingOptOut, Defaults.Match("Stop promotions", "Stop promotions"));
        Assert.Equal(KeywordMatch.MarketingOptOut, Defaults.Match("Berhenti promosi?", "STOP PROMOTIONS"));
        Assert.Equal(KeywordMatch.OptOut, Defaults.Match("Hentikan pesan", "STOP"));
    }

    [Fact]
    public void ButtonWithBothMarketingAndFullStop_TheNarrowerWishWins()
    {
        Assert.Equal(KeywordMatch.MarketingOptOut, Defaults.Match("STOP", "Stop promotions"));
    }

    [Fact]
    public void ConfiguredLists_ReplaceTheDefaults()
    {
        var custom = new Keywords(Options.Create(new PolicyOptions { OptOutKeywords = ["Hentikan"], OptInKeywords = ["Ya"] }));
        Assert.Equal(KeywordMatch.OptOut, custom.Match("hentikan!"));
        Assert.Equal(KeywordMatch.None, custom.Match("STOP"));
        Assert.Equal(KeywordMatch.OptIn, custom.Match("YA"));
        Assert.Equal(KeywordMatch.MarketingOptOut, custom.Match("stop promosi"));
    }

    [Theory]
    [InlineData("  Stop!! ", "stop")]
    [InlineData("STOP\tPROMOSI", "stop promosi")]
    [InlineData("stop—promosi", "stop promosi")]
    [InlineData("👨‍👩‍👧 mulai", "mulai")]
    [InlineData("Café", "café")]
    public void Normalize_FoldsCaseStripsPunctuationAndEmojiCollapsesSpaces(string input, string expected) =>
        Assert.Equal(expected, Keywords.Normalize(input));
}
