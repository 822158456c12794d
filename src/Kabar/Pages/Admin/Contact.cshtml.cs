using Kabar.Admin;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Web;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/contacts/{id}</c>: one person — the consent ledger with its evidence, what they wrote,
/// what was sent, the window — and, for operators, recording a consent or a withdrawal with the
/// operator as evidence.
/// </summary>
public sealed class ContactModel(KabarDbContext db, DecisionInputs inputs, IServiceScopeFactory scopes, TimeProvider time,
    ILogger<ContactModel> logger) : AdminPageModel
{
    public Contact Person { get; private set; } = null!;

    public ContactResponse State { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> Ledger { get; private set; } = [];

    public IReadOnlyList<InboundMessage> Inbound { get; private set; } = [];

    public IReadOnlyList<Notification> Sent { get; private set; } = [];

    [BindProperty] public string? Scope { get; set; }
    [BindProperty] public string? Action { get; set; }
    [BindProperty] public string? Note { get; set; }

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!CanOperate)
        {
            // Viewers read; only operators and admins change the ledger.
            return Forbid(AdminAuth.Scheme);
        }

        var scope = Scope == "whatsapp_marketing" ? ConsentScope.WhatsAppMarketing : Scope == "whatsapp" ? ConsentScope.WhatsApp : (ConsentScope?)null;
        var action = Action == "granted" ? ConsentAction.Granted : Action == "withdrawn" ? ConsentAction.Withdrawn : (ConsentAction?)null;
        var note = Note?.Trim();
        if (scope is null || action is null || string.IsNullOrEmpty(note))
        {
            Error = L("Pilih cakupan dan tindakan, dan tulis dasarnya (misalnya: permintaan warga lewat telepon, 25-11-2026).",
                "Choose the scope and the action, and write the grounds (for example: the citizen asked by phone, 25-11-2026).");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var who = OperatorEmail ?? "?";
        var recorded = await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            var d = sp.GetRequiredService<KabarDbContext>();
            var contact = await d.Contacts.FirstOrDefaultAsync(c => c.Id == id, t);
            if (contact is null)
            {
                return false;
            }

            await sp.GetRequiredService<ConsentLedger>().AppendAsync(contact, scope.Value, action.Value, ConsentSource.Admin, now, now,
                new ConsentEvidence { Operator = who, Note = note }, t);
            await d.SaveChangesAsync(t);
            return true;
        }, ct);
        if (!recorded)
        {
            return NotFound();
        }

        logger.LogInformation("Operator {Email} recorded {Action} of {Scope} for contact {ContactId}", who, Action, Scope, id);
        return LocalRedirect($"/admin/contacts/{id}?recorded=1");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return false;
        }

        Person = contact;
        State = contact.ToResponse(time.GetUtcNow().UtcDateTime, inputs.Policy);
        Ledger = await db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id).OrderByDescending(e => e.Seq).Take(100).ToListAsync(ct);
        Inbound = await db.InboundMessages.AsNoTracking().Where(m => m.ContactId == id).OrderByDescending(m => m.SentAt).Take(50).ToListAsync(ct);
        Sent = await db.Notifications.AsNoTracking().Where(n => n.ContactId == id).OrderByDescending(n => n.CreatedAt).Take(50).ToListAsync(ct);
        if (Request.Query.ContainsKey("recorded"))
        {
            Done = L("Tercatat di buku persetujuan.", "Recorded in the consent ledger.");
        }

        return true;
    }

    public static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "–";

    public static string Name<T>(T value) where T : struct, Enum => EnumText<T>.Name(value);
}
