using Kabar.Common;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Web;

/// <summary>
/// The <c>wa.me</c> click-to-chat link to the office's first business number, prefilled with the
/// opt-in keyword of the reader's language: the way forward when a link cannot be used.
/// </summary>
public sealed class ClickToChat(IOptions<WhatsAppOptions> whatsApp, IOptions<PolicyOptions> policy)
{
    public string Keyword(string language)
    {
        var keywords = policy.Value.OptInKeywords.Length > 0 ? policy.Value.OptInKeywords : PolicyOptions.DefaultOptInKeywords;
        var preferred = language == CitizenLanguage.English ? "START" : "MULAI";
        return keywords.FirstOrDefault(k => string.Equals(k, preferred, StringComparison.OrdinalIgnoreCase)) ?? keywords[0];
    }

    public string Link(string language)
    {
        var number = whatsApp.Value.EffectiveNumbers[0];
        var digits = new string((number.DisplayPhoneNumber ?? "").Where(char.IsAsciiDigit).ToArray());
        return $"https://wa.me/{digits}?text={Uri.EscapeDataString(Keyword(language))}";
    }
}
