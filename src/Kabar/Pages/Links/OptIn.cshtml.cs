using Kabar.Citizens;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Kabar.Pages.Links;

/// <summary>
/// <c>/opt-in/{token}</c> (SPEC §8). <c>GET</c> only shows who asks, for what and how to stop, with
/// a confirm button and a click-to-chat link; link previews and mail scanners fetch it, so it
/// changes nothing. <c>POST</c> confirms once. Used, expired and unknown links each get their own
/// page with the way forward.
/// </summary>
[EnableRateLimiting(WebExtensions.LinksPolicy)]
public sealed class OptInModel(LinkConsentService links, ConsentTexts texts, ClickToChat chat, Kabar.Campaigns.CampaignOpens opens) : CitizenPageModel
{
    public enum Outcome
    {
        Ask,
        Confirmed,
        Used,
        Expired,
        Unknown,
        Renewed,
        AlreadySent,
    }

    public Outcome Show { get; private set; }

    public string? MaskedPhone { get; private set; }

    public ConsentScope Scope { get; private set; }

    public bool AlreadyGranted { get; private set; }

    public string ConsentText { get; private set; } = "";

    public DateTime? LastAskedAt { get; private set; }

    public string ChatLink => chat.Link(Lang);

    public string ChatKeyword => chat.Keyword(Lang);

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        var view = await links.ReadOptInAsync(token, ct);
        return await ShowAsync(view, view.State switch
        {
            LinkState.Valid => Outcome.Ask,
            LinkState.Used => Outcome.Used,
            LinkState.Expired => Outcome.Expired,
            _ => Outcome.Unknown,
        }, ct);
    }

    /// <summary>
    /// The page's script reports that a person's browser showed it: a campaign's "opened". A GET
    /// changes nothing (SPEC §8: link previews and mail scanners fetch links, and rarely run
    /// scripts), so the mark comes from this POST, with the page's antiforgery token. Only the
    /// campaign's figure changes; the token, consent and contact stay as they were.
    /// </summary>
    public async Task<IActionResult> OnPostOpenedAsync(string token, CancellationToken ct)
    {
        var view = await links.ReadOptInAsync(token, ct);
        if (view.State == LinkState.Valid)
        {
            await opens.MarkAsync(view.Token?.NotificationId, ct);
        }

        return new NoContentResult();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        var (ip, userAgent) = Evidence();
        var view = await links.ConfirmOptInAsync(token, Lang, ip, userAgent, ct);
        return await ShowAsync(view, view.State switch
        {
            LinkState.Valid => Outcome.Confirmed,
            LinkState.Used => Outcome.Used,
            LinkState.Expired => Outcome.Expired,
            _ => Outcome.Unknown,
        }, ct);
    }

    public async Task<IActionResult> OnPostRenewAsync(string token, CancellationToken ct)
    {
        var (outcome, lastAskedAt) = await links.RenewAsync(token, ct);
        if (outcome == RenewOutcome.NotExpired)
        {
            return await OnGetAsync(token, ct);
        }

        LastAskedAt = lastAskedAt;
        var view = await links.ReadOptInAsync(token, ct);
        return await ShowAsync(view, outcome == RenewOutcome.Sent ? Outcome.Renewed : Outcome.AlreadySent, ct);
    }

    private async Task<IActionResult> ShowAsync(OptInLinkView view, Outcome outcome, CancellationToken ct)
    {
        Show = outcome;
        MaskedPhone = view.Contact?.Phone is { } phone ? Pii.MaskPhone(phone) : null;
        Scope = view.Token?.Scope ?? ConsentScope.WhatsApp;
        AlreadyGranted = view.Contact?.ConsentFor(Scope) == ConsentState.Granted;
        ConsentText = (await texts.FindAsync(LinkConsentService.TextVersion(Lang), ct))?.Text ?? "";
        Response.StatusCode = outcome switch
        {
            Outcome.Unknown => StatusCodes.Status404NotFound,
            Outcome.Expired => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}
