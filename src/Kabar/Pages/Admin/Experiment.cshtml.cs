using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Data;
using Kabar.Experiments;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/experiments/{id}</c>: per variant the requests, conversions and rate with its 95 %
/// Wilson interval, a chart of the same, the always-valid verdict in plain words, and the campaigns that use it.
/// </summary>
public sealed class ExperimentModel(KabarDbContext db, ExperimentService service) : AdminPageModel
{
    public ExperimentResponse Item { get; private set; } = null!;

    public IReadOnlyList<(Guid Id, string Name, CampaignState State)> Campaigns { get; private set; } = [];

    public string Chart { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var item = await service.ReadAsync(db, id, Lang, ct);
        if (item is null)
        {
            return NotFound();
        }

        Item = item;
        Campaigns = (await db.Campaigns.AsNoTracking().Where(c => c.ExperimentId == id).OrderBy(c => c.CreatedAt)
            .Select(c => new { c.Id, c.Name, c.State }).ToListAsync(ct)).Select(c => (c.Id, c.Name, c.State)).ToList();
        Chart = RateChart.Svg(item.Variants.Select(v => new RateChart.Bar(v.Key, v.Rate, v.Wilson95.Low, v.Wilson95.High)).ToList(),
            L("Tingkat persetujuan per varian dengan interval Wilson 95 %", "Conversion rate per variant with 95 % Wilson interval"));
        return Page();
    }

    public static string Percent(double value) => (value * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
