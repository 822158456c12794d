using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/campaigns</c>: the opt-in campaigns with their state, and a form for operators to draft a new one.</summary>
public sealed class CampaignsModel(KabarDbContext db, CampaignService service, ILogger<CampaignsModel> logger) : AdminPageModel
{
    public sealed class CampaignInput
    {
        public string? Name { get; set; }
        public string? PermitType { get; set; }
        [ModelBinder(typeof(ConsoleDateBinder))]
        public DateOnly? RegisteredFrom { get; set; }

        [ModelBinder(typeof(ConsoleDateBinder))]
        public DateOnly? RegisteredTo { get; set; }

        public string Channel { get; set; } = "sms";
        public int? DailyCap { get; set; } = 500;
        public string? SendFrom { get; set; } = "09:00";
        public string? SendUntil { get; set; } = "16:00";
        public Guid? ExperimentId { get; set; }
    }

    [BindProperty]
    public CampaignInput Input { get; set; } = new();

    public IReadOnlyList<Campaign> Items { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Experiments { get; private set; } = [];

    public IReadOnlyList<string> PermitTypes { get; private set; } = [];

    public IReadOnlyList<(string Field, IReadOnlyList<string> Messages)> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var errors = new FieldErrors();
        // A date that could not be read must not turn into "no limit" and reach every contact.
        foreach (var (key, label) in new[] { ("Input.RegisteredFrom", L("Terdaftar sejak", "Registered from")), ("Input.RegisteredTo", L("Terdaftar sampai", "Registered until")) })
        {
            if (Unreadable(key))
            {
                errors.Add(label, L("bukan tanggal; tulis DD-MM-YYYY, misalnya 06-11-2026.", "not a date; write DD-MM-YYYY, for example 06-11-2026."));
            }
        }

        if (errors.Any)
        {
            return await RefuseAsync(errors, ct);
        }

        var request = new CampaignRequest(Input.Name, new SegmentRequest(Input.PermitType, Input.RegisteredFrom, Input.RegisteredTo),
            Input.Channel, Input.DailyCap, new SendingHoursRequest(Input.SendFrom, Input.SendUntil), Input.ExperimentId);
        var campaign = await service.CreateAsync(db, request, OperatorEmail ?? "operator", errors, ct);
        if (campaign is null)
        {
            return await RefuseAsync(errors, ct);
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation("Operator {Email} drafted campaign {CampaignId}", OperatorEmail, campaign.Id);
        return LocalRedirect($"/admin/campaigns/{campaign.Id}");
    }

    private async Task<IActionResult> RefuseAsync(FieldErrors errors, CancellationToken ct)
    {
        Errors = errors.Entries.ToList();
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Items = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(200).ToListAsync(ct);
        Experiments = (await db.Experiments.AsNoTracking().Where(e => e.State == ExperimentState.Running).OrderByDescending(e => e.CreatedAt)
            .Select(e => new { e.Id, e.Name }).ToListAsync(ct)).Select(e => (e.Id, e.Name)).ToList();
        PermitTypes = await db.Permits.AsNoTracking().Select(p => p.PermitType).Distinct().OrderBy(t => t).Take(200).ToListAsync(ct);
    }
}
