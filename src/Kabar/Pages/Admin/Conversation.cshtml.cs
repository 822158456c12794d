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

    /// <summary>
    /// The longest answer by SMS: with the office's name and the stop link it stays within about four
    /// SMS parts, which every Indonesian handset joins back into one message.
    /// </summary>
    public const int SmsTextMax = 320;

    public Contact Person { get; private set; } = null!;

    public Decision Decision { get; private set; } = null!;

    public IReadOnlyList<ConversationEntry> Entries { get; private set; } = [];

    public IReadOnlyList<InboxPermit> Permits { get; private set; } = [];

    public IReadOnlyList<QuickReply> QuickReplies { get; private set; } = [];

    public DateTime Now { get; private set; }

    public TimeZoneInfo Zone => calendar.Zone;

    /// <summary>WhatsApp allows a free-form answer now and the person's data is still there.</summary>
    public bool WindowAllows => Decision.Channel == Channel.WhatsApp && Person.ErasedAt is null;

    /// <summary>
    /// Where an answer can go when WhatsApp cannot take it: SMS to a number SMS reaches, else e-mail;
    /// <see cref="Channel.None"/> when WhatsApp can, or when neither exists.
    /// </summary>
    public Channel OtherChannel { get; private set; }

    /// <summary>The longest answer the other channel takes.</summary>
    public int OtherTextMax => OtherChannel == Channel.Sms ? SmsTextMax : QuickReply.TextMax;

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
        Done = Request.Query["sent"].ToString() switch
        {
            "" => null,
            "sms" => L("Jawaban masuk antrean dan dikirim lewat SMS.", "The answer is queued and goes out by SMS."),
            "email" => L("Jawaban masuk antrean dan dikirim lewat email.", "The answer is queued and goes out by e-mail."),
            _ => L("Jawaban masuk antrean dan dikirim lewat WhatsApp.", "The answer is queued and goes out on WhatsApp."),
        };

        return Page();
    }

    /// <summary>The answer on WhatsApp, while the window is open.</summary>
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

        if (!WindowAllows)
        {
            return Refuse(Person.ErasedAt is not null
                ? L("Data orang ini sudah dihapus.", "This person's data was erased.")
                : InboxWords.Refusal(Decision.Reason, English));
        }

        if (Unwritten(QuickReply.TextMax) is { } unwritten)
        {
            return unwritten;
        }

        var number = await InboxQueries.LastNumberAsync(db, id, ct);
        await QueueOnceAsync(id, (contact, key) => writer.AddInboxReply(db, contact, Text!.Trim(), number, Decision, key, Now), ct);
        return LocalRedirect($"/admin/inbox/{id}?sent=1");
    }

    /// <summary>The answer by SMS or e-mail, when the window is closed (or the person stopped WhatsApp).</summary>
    public async Task<IActionResult> OnPostOtherAsync(Guid id, CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Person.ErasedAt is not null || WindowAllows || OtherChannel == Channel.None)
        {
            return Refuse(Person.ErasedAt is not null ? L("Data orang ini sudah dihapus.", "This person's data was erased.")
                : WindowAllows ? L("Jendela 24 jam terbuka lagi: jawab lewat WhatsApp.", "The 24-hour window is open again: answer on WhatsApp.")
                : L("Orang ini tidak punya nomor yang bisa menerima SMS maupun alamat email.", "This person has neither a number SMS can reach nor an e-mail address."));
        }

        if (Unwritten(OtherTextMax) is { } unwritten)
        {
            return unwritten;
        }

        var channel = OtherChannel;
        await QueueOnceAsync(id, (contact, key) => writer.AddInboxReplyOutsideWindow(db, contact, Text!.Trim(), Decision, channel, key, Now), ct);
        return LocalRedirect($"/admin/inbox/{id}?sent={(channel == Channel.Sms ? "sms" : "email")}");
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult? Unwritten(int max)
    {
        var text = Text?.Trim();
        return string.IsNullOrEmpty(text) || text.Length > max
            ? Refuse(L($"Tulis jawabannya (paling banyak {max} huruf).", $"Write the answer (at most {max} characters)."))
            : null;
    }

    /// <summary>Queues the answer once per rendered form: a double click or a resent form finds its key taken.</summary>
    private async Task QueueOnceAsync(Guid id, Func<Contact, string, Notification> add, CancellationToken ct)
    {
        var key = "inbox:" + (Guid.TryParse(ReplyKey, out var k) ? k : Guid.NewGuid()).ToString("N");
        if (await db.Notifications.AnyAsync(n => n.IdempotencyKey == key, ct))
        {
            return;
        }

        var contact = await db.Contacts.FirstAsync(c => c.Id == id, ct);
        var reply = add(contact, key);
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

            return;
        }

        writer.Wake();
        logger.LogInformation("Operator {Email} answered contact {ContactId} from the inbox by {Channel}: notification {NotificationId}",
            OperatorEmail ?? "?", id, reply.Channel == Channel.None ? Channel.WhatsApp : reply.Channel, reply.Id);
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
        var facts = DecisionInputs.From(contact);
        Decision = SendDecision.Decide(facts, new DecisionMessage(MessageKind.Text, MessageCategory.Utility), Now, inputs.Policy);
        OtherChannel = WindowAllows || contact.ErasedAt is not null ? Channel.None : SendDecision.FallbackChannel(facts, inputs.Policy);
        Entries = await InboxQueries.ConversationAsync(db, id, Shown, ct);
        Permits = [.. (await InboxQueries.PermitsAsync(db, [id], ct))[id]];
        QuickReplies = await db.QuickReplies.AsNoTracking().OrderBy(q => q.Title).ToListAsync(ct);
        return true;
    }
}
