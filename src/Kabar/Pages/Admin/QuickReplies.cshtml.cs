using Kabar.Admin;
using Kabar.Data;
using Kabar.Inbox;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/inbox/quick-replies</c>: the office's ready answers (office hours, where to collect a
/// permit). Everyone reads them; admins add, change and remove them.
/// </summary>
public sealed class QuickRepliesModel(KabarDbContext db, TimeProvider time, ILogger<QuickRepliesModel> logger) : AdminPageModel
{
    public IReadOnlyList<QuickReply> Items { get; private set; } = [];

    [BindProperty] public string? Title { get; set; }

    [BindProperty] public string? Text { get; set; }

    public string? Error { get; private set; }

    /// <summary>The quick reply the error belongs to; null for the form that adds one.</summary>
    public Guid? ErrorFor { get; private set; }

    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Done = Request.Query["done"].ToString() switch
        {
            "added" => L("Jawaban cepat ditambahkan.", "Quick reply added."),
            "saved" => L("Jawaban cepat disimpan.", "Quick reply saved."),
            "removed" => L("Jawaban cepat dihapus.", "Quick reply removed."),
            _ => null,
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (await InvalidAsync(null, ct) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.QuickReplies.Add(new QuickReply
        {
            Id = Guid.CreateVersion7(),
            Title = Title!.Trim(),
            Text = Text!.Trim(),
            UpdatedBy = OperatorEmail ?? "?",
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Admin {Email} added a quick reply", OperatorEmail ?? "?");
        return LocalRedirect("/admin/inbox/quick-replies?done=added");
    }

    public async Task<IActionResult> OnPostEditAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (await InvalidAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var title = Title!.Trim();
        var text = Text!.Trim();
        var who = OperatorEmail ?? "?";
        var changed = await db.QuickReplies.Where(q => q.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(q => q.Title, title).SetProperty(q => q.Text, text)
            .SetProperty(q => q.UpdatedBy, who).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
        {
            return NotFound();
        }

        logger.LogInformation("Admin {Email} changed quick reply {Id}", who, id);
        return LocalRedirect("/admin/inbox/quick-replies?done=saved");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (await db.QuickReplies.Where(q => q.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return NotFound();
        }

        logger.LogInformation("Admin {Email} removed quick reply {Id}", OperatorEmail ?? "?", id);
        return LocalRedirect("/admin/inbox/quick-replies?done=removed");
    }

    /// <summary>The page again with a 422 when the title or the text is missing or too long; null when both are fine.</summary>
    private async Task<IActionResult?> InvalidAsync(Guid? id, CancellationToken ct)
    {
        var title = Title?.Trim();
        var text = Text?.Trim();
        if (!string.IsNullOrEmpty(title) && title.Length <= QuickReply.TitleMax && !string.IsNullOrEmpty(text) && text.Length <= QuickReply.TextMax)
        {
            return null;
        }

        Error = L($"Isi judul (paling banyak {QuickReply.TitleMax} huruf) dan teks jawaban (paling banyak {QuickReply.TextMax} huruf).",
            $"Fill in the title (at most {QuickReply.TitleMax} characters) and the answer's text (at most {QuickReply.TextMax} characters).");
        ErrorFor = id;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Items = await db.QuickReplies.AsNoTracking().OrderBy(q => q.Title).ToListAsync(ct);
}
