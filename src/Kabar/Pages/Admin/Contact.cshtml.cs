using System.Text.Json;
using Kabar.Admin;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Privacy;
using Kabar.Web;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/contacts/{id}</c>: one person — the consent ledger with its evidence, what they wrote,
/// what was sent, the window — and, for operators, recording a consent or a withdrawal with the
/// operator as evidence.
/// </summary>
public sealed class ContactModel(KabarDbContext db, DecisionInputs inputs, IServiceScopeFactory scopes, TimeProvider time,
    DataSubjects subjects, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<ContactModel> logger) : AdminPageModel
{
    public Contact Person { get; private set; } = null!;

    public ContactResponse State { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> Ledger { get; private set; } = [];

    public IReadOnlyList<InboundMessage> Inbound { get; private set; } = [];

    public IReadOnlyList<Notification> Sent { get; private set; } = [];

    /// <summary>The permits this person holds, most recently changed first.</summary>
    public IReadOnlyList<Permit> Permits { get; private set; } = [];

    [BindProperty] public string? Scope { get; set; }
    [BindProperty] public string? Action { get; set; }
    [BindProperty] public string? Note { get; set; }

    public string? Error { get; private set; }

    /// <summary>Which data subject form the error belongs to: <c>correct</c> or <c>erase</c>.</summary>
    public string? ErrorFor { get; private set; }

    [BindProperty] public string? CorrectName { get; set; }
    [BindProperty] public string? CorrectEmail { get; set; }
    [BindProperty] public string? CorrectLanguage { get; set; }
    [BindProperty] public string? RequestReference { get; set; }
    [BindProperty] public string? ConfirmErase { get; set; }

    /// <summary>What an admin types to confirm an erasure: the phone's last four digits, else the word HAPUS.</summary>
    public string EraseConfirmation => Person.Phone is { Length: >= 4 } p ? p[^4..] : "HAPUS";

    public IReadOnlyList<DataSubjectRequest> Requests { get; private set; } = [];

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

        if (await db.Contacts.AnyAsync(c => c.Id == id && c.ErasedAt != null, ct))
        {
            // An erased person is no longer anyone to ask: the ledger ends with the erasure.
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

    /// <summary>Admins only: the person's data as a JSON file (right of access), recorded as a request.</summary>
    public async Task<IActionResult> OnPostExportAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var export = await subjects.ExportAsync(id, new RequestContext(Who, Reference(RequestReference)), ct);
        if (export is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(export, json.Value.SerializerOptions);
        return File(bytes, "application/json", $"kabar-contact-{id}.json");
    }

    /// <summary>Admins only: corrects name, e-mail and language (right to rectification).</summary>
    public async Task<IActionResult> OnPostCorrectAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var result = await subjects.CorrectAsync(id,
            new ContactCorrection(CorrectName ?? "", CorrectEmail ?? "", CorrectLanguage ?? "id"), new RequestContext(Who, Reference(RequestReference)), ct);
        switch (result.Status)
        {
            case DataSubjects.Status.NotFound:
                return NotFound();
            case DataSubjects.Status.Done:
                return LocalRedirect($"/admin/contacts/{id}?corrected=1");
            default:
                Error = result.Status == DataSubjects.Status.Erased
                    ? L("Data kontak ini sudah dihapus.", "This contact's data was erased.")
                    : result.Field switch
                    {
                        "name" => L("Nama wajib diisi, paling banyak 200 huruf.", "A name is required, at most 200 characters."),
                        "email" => L("Alamat email tidak sah; kosongkan untuk menghapusnya.", "Not an e-mail address; leave it empty to remove it."),
                        _ => L("Bahasa: id atau en.", "Language: id or en."),
                    };
                ErrorFor = "correct";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return await LoadAsync(id, ct) ? Page() : NotFound();
        }
    }

    /// <summary>Admins only: erases the person's data (right to erasure) once the confirmation is typed.</summary>
    public async Task<IActionResult> OnPostEraseAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (!string.Equals(ConfirmErase?.Trim(), EraseConfirmation, StringComparison.OrdinalIgnoreCase))
        {
            Error = L($"Ketik {EraseConfirmation} untuk memastikan kontak yang benar yang dihapus.",
                $"Type {EraseConfirmation} to confirm that this is the contact to erase.");
            ErrorFor = "erase";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var result = await subjects.EraseAsync(id, new RequestContext(Who, Reference(RequestReference)), ct);
        return result.Status == DataSubjects.Status.NotFound ? NotFound() : LocalRedirect($"/admin/contacts/{id}?erased=1");
    }

    private string Who => "operator:" + (OperatorEmail ?? "?");

    private static string? Reference(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim() is { Length: > 100 } t ? t[..100] : text.Trim();

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
        Permits = await db.Permits.AsNoTracking().Where(p => p.HolderContactId == id).OrderByDescending(p => p.UpdatedAt).Take(50).ToListAsync(ct);
        Requests = IsAdmin
            ? await db.DataSubjectRequests.AsNoTracking().Where(r => r.ContactId == id).OrderByDescending(r => r.AnsweredAt).Take(50).ToListAsync(ct)
            : [];
        if (Request.Query.ContainsKey("recorded"))
        {
            Done = L("Tercatat di buku persetujuan.", "Recorded in the consent ledger.");
        }
        else if (Request.Query.ContainsKey("corrected"))
        {
            Done = L("Data kontak diperbaiki dan permintaannya dicatat.", "The contact's details were corrected and the request recorded.");
        }
        else if (Request.Query.ContainsKey("erased"))
        {
            Done = L("Data pribadi kontak ini dihapus dan permintaannya dicatat.", "This contact's personal data was erased and the request recorded.");
        }

        return true;
    }
}
