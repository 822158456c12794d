using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/campaigns/{id}</c>: a campaign's segment, progress per day and results, with start, pause, resume and complete for operators.</summary>
public sealed class CampaignModel(KabarDbContext db, CampaignService service, CampaignReports reports, ILogger<CampaignModel> logger) : AdminPageModel
{
    public CampaignResponse Item { get; private set; } = null!;

    public CampaignProgress Progress => Item.Progress!;

    public string? ExperimentName { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, string action, CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (action is not ("start" or "pause" or "resume" or "complete"))
        {
            return BadRequest();
        }

        var moved = await service.MoveAsync(db, id, action, ct);
        if (moved is null)
        {
            return NotFound();
        }

        if (moved == true)
        {
            logger.LogInformation("Operator {Email}: campaign {CampaignId} {Action}", OperatorEmail, id, action);
        }

        await LoadAsync(id, ct);
        Message = moved == true ? L("Tersimpan.", "Saved.") : L("Langkah itu tidak berlaku untuk status ini.", "That step does not apply in this state.");
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var item = await reports.ReadAsync(db, id, ct);
        if (item is null)
        {
            return false;
        }

        Item = item;
        ExperimentName = item.ExperimentId is { } e ? await db.Experiments.AsNoTracking().Where(x => x.Id == e).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        return true;
    }

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %" : "–";
}
