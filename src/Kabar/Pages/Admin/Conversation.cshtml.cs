using Kabar.Admin;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Inbox;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/inbox/{contact}</c>: one person's conversation and, for operators and admins, the
/// reply box. An answer is a notification like any other: the decision table is asked (free-form
/// text goes only while the window is open, reason <c>service_window</c>), the queue sends it, the
/// log shows it. When the decision refuses, the box is disabled and says why.
/// </summary>
public sealed class ConversationModel(KabarDbContext db, DecisionInputs inputs, NotificationWriter writer, WorkCalendar calendar,
    TimeProvider time, ILogger<ConversationModel> logger) : AdminPageModel
{
    public const int Shown = 50;

    public Contact Person { get; private set; } = null!;

    public Decision Decision { get; private set; } = null!;

    public IReadOnlyList<ConversationEntry> Entries { get; private set; } = [];

    public IReadOnlyList<InboxPermit> Permits { get; private set; } = [];

    public IReadOnlyList<QuickReply> QuickReplies { get; private set; } = [];

    public DateTime Now { get; private set; }

    public TimeZoneInfo Zone => calendar.Zone;

    /// <summary>WhatsApp allows a free-form answer now and the person's data is still there.</summary>
    public bool WindowAllows => Decision.Channel == Channel.WhatsApp && Person.ErasedAt is null;

    /// <summary>The reply box's text: a quick reply picked (<c>?quick=</c>), or what was typed when a post was refused.</summary>
    [BindProperty] public string? Text { get; set; }

    /// <summary>One per rendered form, so a double click or a resent form queues the answer once.</summary>
    [BindProperty] public string? ReplyKey { get; set; }

    [BindProperty(SupportsGet = true)] public Guid? Quick { get; set; }

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Quick is { } quick && QuickReplies.FirstOrDefault(q => q.Id == quick) is { } picked)
        {
            Text = picked.Text;
        }

        ReplyKey = Guid.NewGuid().ToString("N");
        if (Request.Query.ContainsKey("sent"))
        {
            Done = L("Jawaban masuk antrean dan dikirim lewat WhatsApp.", "The answer is queued and goes out on WhatsApp.");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!CanOperate)
        {
            // Viewers read the inbox; only operators and admins answer.
            return Forbid(AdminAuth.Scheme);
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var text = Text?.Trim();
        if (!WindowAllows)
        {
            return Refuse(Person.ErasedAt is not null
                ? L("Data orang ini sudah dihapus.", "This person's data was erased.")
                : InboxWords.Refusal(Decision.Reason, English));
        }

        if (string.IsNullOrEmpty(text) || text.Length > QuickReply.TextMax)
        {
            return Refuse(L($"Tulis jawabannya (paling banyak {QuickReply.TextMax} huruf).", $"Write the answer (at most {QuickReply.TextMax} characters)."));
        }

        var key = "inbox:" + (Guid.TryParse(ReplyKey, out var k) ? k : Guid.NewGuid()).ToString("N");
        if (!await db.Notifications.AnyAsync(n => n.IdempotencyKey == key, ct))
        {
            var contact = await db.Contacts.FirstAsync(c => c.Id == id, ct);
            var number = await InboxQueries.LastNumberAsync(db, id, ct);
            var reply = writer.AddInboxReply(db, contact, text, number, Decision, key, Now);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same form posted twice at once: the other post queued it (the key is unique).
                db.Entry(reply).State = EntityState.Detached;
                if (!await db.Notifications.AnyAsync(n => n.IdempotencyKey == key, ct))
                {
                    throw;
                }
            }

            writer.Wake();
            logger.LogInformation("Operator {Email} answered contact {ContactId} from the inbox: notification {NotificationId}",
                OperatorEmail ?? "?", id, reply.Id);
        }

        return LocalRedirect($"/admin/inbox/{id}?sent=1");
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Refuse(string message)
    {
        Error = message;
        ReplyKey = Guid.NewGuid().ToString("N");
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return false;
        }

        Now = time.GetUtcNow().UtcDateTime;
        Person = contact;
        Decision = SendDecision.Decide(DecisionInputs.From(contact), new DecisionMessage(MessageKind.Text, MessageCategory.Utility), Now,
            inputs.Policy);
        Entries = await InboxQueries.ConversationAsync(db, id, Shown, ct);
        Permits = [.. (await InboxQueries.PermitsAsync(db, [id], ct))[id]];
        QuickReplies = await db.QuickReplies.AsNoTracking().OrderBy(q => q.Title).ToListAsync(ct);
        return true;
    }
}
