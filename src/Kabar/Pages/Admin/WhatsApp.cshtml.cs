using Kabar.Admin;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Web;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/whatsapp</c>: each type's catalog text beside Meta's status (category, flags) with an alert when Meta
/// paused, disabled or re-categorised one; the business numbers with their rate, limit tier and
/// any pause, and a resume action for operators.
/// </summary>
public sealed class WhatsAppModel(KabarDbContext db, IOptions<WhatsAppOptions> whatsApp, DispatchSignal signal, TimeProvider time,
    TemplateCatalog catalog, ILogger<WhatsAppModel> logger) : AdminPageModel
{
    /// <summary>Every catalog template beside Meta's copy (null: not at Meta), then the templates at Meta the catalog does not hold.</summary>
    public IReadOnlyList<(string Name, string Language, CatalogText? Catalog, WhatsAppTemplate? Meta)> Templates { get; private set; } = [];

    public IReadOnlyList<TemplateStatusEvent> Alerts { get; private set; } = [];

    public IReadOnlyList<(WhatsAppNumberOptions Number, SenderNumber? State)> Numbers { get; private set; } = [];

    public string MessagingLimit => whatsApp.Value.MessagingLimit;

    /// <summary>Latest quality rating (GREEN, YELLOW, RED) per (name, language); absent until Meta rates it.</summary>
    public IReadOnlyDictionary<(string Name, string Language), string> Quality { get; private set; } = new Dictionary<(string, string), string>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var synced = await db.WhatsAppTemplates.AsNoTracking().ToDictionaryAsync(t => (t.Name, t.Language), ct);
        var rows = catalog.Templates.SelectMany(t => t.Languages.Select(l => (t.Name, Language: l.Key, Catalog: (CatalogText?)l.Value,
            Meta: synced.GetValueOrDefault((t.Name, l.Key))))).ToList();
        var inCatalog = rows.Select(r => (r.Name, r.Language)).ToHashSet();
        rows.AddRange(synced.Values.Where(t => !inCatalog.Contains((t.Name, t.Language))).Select(t => (t.Name, t.Language, (CatalogText?)null, (WhatsAppTemplate?)t)));
        Templates = [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Language, StringComparer.Ordinal)];
        var since = time.GetUtcNow().UtcDateTime.AddDays(-30);
        Alerts = await db.TemplateStatusEvents.AsNoTracking()
            .Where(e => e.ReceivedAt >= since && (e.Event == "PAUSED" || e.Event == "DISABLED" || e.Event == "REJECTED"
                || e.Event == "CATEGORY_UPDATE" || (e.Event == "QUALITY_UPDATE" && e.Reason == "RED")))
            .OrderByDescending(e => e.ReceivedAt).Take(20).ToListAsync(ct);
        // Meta's quality rating arrives only by webhook: the latest one per template.
        Quality = (await db.TemplateStatusEvents.AsNoTracking().Where(e => e.Event == "QUALITY_UPDATE")
                .OrderBy(e => e.ReceivedAt).Select(e => new { e.Name, e.Language, e.Reason }).ToListAsync(ct))
            .GroupBy(e => (e.Name ?? "", e.Language ?? "")).ToDictionary(g => g.Key, g => g.Last().Reason ?? "");
        var states = await db.SenderNumbers.AsNoTracking().ToDictionaryAsync(s => s.PhoneNumberId, ct);
        Numbers = whatsApp.Value.EffectiveNumbers.Select(n => (n, states.GetValueOrDefault(n.PhoneNumberId))).ToList();
    }

    public async Task<IActionResult> OnPostResumeAsync(string phoneNumberId, CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var resumed = await SenderNumbersApi.ResumeNumberAsync(db, signal, time, phoneNumberId, ct);
        if (resumed)
        {
            logger.LogWarning("Operator {Email} resumed business number {PhoneNumberId}", OperatorEmail, phoneNumberId);
        }

        return LocalRedirect("/admin/whatsapp");
    }
}
