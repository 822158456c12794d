using Kabar.Citizens;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.OptIn;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Kabar.Pages.Links;

/// <summary>
/// <c>/opt-out/{token}</c>: the personal stop link in every SMS and e-mail. <c>GET</c> shows what
/// stopping means (essential permit notices continue by SMS or e-mail, SPEC §5); <c>POST</c> stops.
/// </summary>
[EnableRateLimiting(WebExtensions.LinksPolicy)]
public sealed class OptOutModel(OptOutLinks tokens, LinkConsentService links, ClickToChat chat) : CitizenPageModel
{
    public enum Outcome
    {
        Ask,
        Stopped,
        AlreadyStopped,
        Unknown,
    }

    public Outcome Show { get; private set; }

    public string? MaskedPhone { get; private set; }

    public string ChatLink => chat.Link(Lang);

    public string ChatKeyword => chat.Keyword(Lang);

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        var contact = await FindAsync(token, ct);
        return Answer(contact, contact?.WhatsAppConsent == ConsentState.Withdrawn ? Outcome.AlreadyStopped : Outcome.Ask);
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        var before = await FindAsync(token, ct);
        if (before is null)
        {
            return Answer(null, Outcome.Unknown);
        }

        if (before.WhatsAppConsent == ConsentState.Withdrawn)
        {
            return Answer(before, Outcome.AlreadyStopped);
        }

        var (ip, userAgent) = Evidence();
        var after = await links.OptOutAsync(before.Id, OptOutLinks.EvidenceId(token), ip, userAgent, ct);
        return Answer(after, Outcome.Stopped);
    }

    private async Task<Contact?> FindAsync(string token, CancellationToken ct)
    {
        await tokens.EnsureReadyAsync(ct);
        return tokens.Read(token) is { } id ? await links.ReadOptOutAsync(id, ct) : null;
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Answer(Contact? contact, Outcome outcome)
    {
        Show = contact is null ? Outcome.Unknown : outcome;
        MaskedPhone = contact?.Phone is { } phone ? Pii.MaskPhone(phone) : null;
        Response.StatusCode = Show == Outcome.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        return Page();
    }
}
