using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Data;
using Kabar.Experiments;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/experiments</c>: the opt-in text experiments, and a form for operators to set one up with up to three variants.</summary>
public sealed class ExperimentsModel(KabarDbContext db, ExperimentService service, ILogger<ExperimentsModel> logger) : AdminPageModel
{
    public const int FormVariants = 3;

    public sealed class VariantInput
    {
        public string? Key { get; set; }
        public int? Weight { get; set; } = 1;
        public string? SmsId { get; set; }
        public string? SmsEn { get; set; }
        public string? EmailId { get; set; }
        public string? EmailEn { get; set; }
    }

    public sealed class ExperimentInput
    {
        public string? Name { get; set; }
        public int? AttributionDays { get; set; } = 14;
        public List<VariantInput> Variants { get; set; } = [];
    }

    [BindProperty]
    public ExperimentInput Input { get; set; } = new();

    public IReadOnlyList<ExperimentSummary> Items { get; private set; } = [];

    public IReadOnlyList<(string Field, IReadOnlyList<string> Messages)> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Input.Variants = [new() { Key = "a" }, new() { Key = "b" }, new() { Key = "", Weight = 1 }];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        // Rows left without a key are unused slots of the form.
        var variants = Input.Variants.Where(v => !string.IsNullOrWhiteSpace(v.Key))
            .Select(v => new VariantRequest(v.Key, v.Weight, new TextRequest(v.SmsId, v.SmsEn), new TextRequest(v.EmailId, v.EmailEn)))
            .ToList();
        var errors = new FieldErrors();
        var experiment = service.Create(db, new ExperimentRequest(Input.Name, Input.AttributionDays, variants), OperatorEmail ?? "operator", errors);
        if (experiment is null)
        {
            Errors = errors.Entries.ToList();
            while (Input.Variants.Count < FormVariants)
            {
                Input.Variants.Add(new VariantInput());
            }

            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation("Operator {Email} set up experiment {ExperimentId}", OperatorEmail, experiment.Id);
        return LocalRedirect($"/admin/experiments/{experiment.Id}");
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Items = (await db.Experiments.AsNoTracking().OrderByDescending(e => e.CreatedAt).Take(200).ToListAsync(ct))
            .Select(ExperimentService.Summary).ToList();
}
