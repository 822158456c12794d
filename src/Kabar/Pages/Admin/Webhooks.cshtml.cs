using Kabar.Admin;
using Kabar.Data;
using Kabar.Web;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/webhooks</c>: the quarantine, newest first: verified WhatsApp webhook posts with a
/// part Kabar could not read, when they came, why, how large, and the start of the body with
/// phone numbers and e-mail addresses masked. Admins only: the bodies are what people wrote.
/// </summary>
public sealed class WebhooksModel(KabarDbContext db) : AdminPageModel
{
    public const int Shown = 200;

    public IReadOnlyList<Row> Items { get; private set; } = [];

    public int Total { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        Total = await db.WebhookQuarantine.CountAsync(ct);
        var posts = await db.WebhookQuarantine.AsNoTracking().OrderByDescending(p => p.Id).Take(Shown)
            .Select(p => new { p.Id, p.ReceivedAt, p.Size, p.Skipped, p.Reasons, p.ReplayedAt, p.ReplayOutcome, Start = p.Body })
            .ToListAsync(ct);
        Items = [.. posts.Select(p => new Row(p.Id, p.ReceivedAt, p.Size, p.Start.Length < p.Size, p.Skipped,
            p.Reasons.Split('\n', StringSplitOptions.RemoveEmptyEntries), p.ReplayedAt, p.ReplayOutcome, WebhookQuarantine.Excerpt(p.Start)))];
        return Page();
    }

    public sealed record Row(long Id, DateTime ReceivedAt, int Size, bool Truncated, int Skipped, string[] Reasons,
        DateTime? ReplayedAt, string? ReplayOutcome, string Excerpt);
}
