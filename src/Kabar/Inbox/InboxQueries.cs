using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Inbox;

/// <summary>
/// What the console's inbox reads: people's WhatsApp messages newest first, whether each was
/// answered, and who is still waiting. "Answered" is derived, not stored: a text answer to the
/// same person queued at or after Kabar received the message, and not failed, skipped or
/// cancelled. Kabar's own keyword confirmations count, so a STOP does not wait for an operator.
/// </summary>
public static class InboxQueries
{
    public const int PageSize = 50;

    /// <summary>Every message a person wrote (not WhatsApp's system notices), with the person and the answered mark.</summary>
    public static IQueryable<InboxRow> Rows(KabarDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return from m in db.InboundMessages
               where m.Type != "system"
               join c in db.Contacts on m.ContactId equals c.Id
               select new InboxRow
               {
                   MessageId = m.Id,
                   ContactId = c.Id,
                   Name = c.Name,
                   Phone = c.Phone,
                   Erased = c.ErasedAt != null,
                   WhatsApp = c.WhatsAppConsent,
                   LastInboundAt = c.LastInboundAt,
                   Type = m.Type,
                   Body = m.Body,
                   Payload = m.Payload,
                   Effect = m.Effect,
                   SentAt = m.SentAt,
                   ReceivedAt = m.ReceivedAt,
                   Answered = db.Notifications.Any(n => n.ContactId == m.ContactId && n.Kind == MessageKind.Text
                       && n.CreatedAt >= m.ReceivedAt && n.State != NotificationState.Failed
                       && n.State != NotificationState.Skipped && n.State != NotificationState.Cancelled),
               };
    }

    /// <summary>One page, newest first, after <paramref name="cursor"/>; only the unanswered ones when asked.</summary>
    public static async Task<(List<InboxRow> Rows, string? Next)> PageAsync(KabarDbContext db, bool unansweredOnly, KeysetCursor? cursor,
        CancellationToken ct)
    {
        var q = Rows(db);
        if (unansweredOnly)
        {
            q = q.Where(r => !r.Answered && !r.Erased);
        }

        var fetched = await q.Page(r => r.SentAt, r => r.MessageId, cursor, PageSize).ToListAsync(ct);
        return KeysetPaging.Cut(fetched, PageSize, r => new KeysetCursor(r.SentAt, r.MessageId));
    }

    /// <summary>
    /// People with an unanswered message whose window is still open: those an operator can still
    /// answer for free. Reads only the last window's messages, so it stays cheap for the menu.
    /// </summary>
    public static Task<int> WaitingAsync(KabarDbContext db, DateTime now, DecisionPolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var since = now - policy.Window + policy.WindowSafetyMargin;
        return Rows(db).Where(r => r.SentAt > since && !r.Answered && !r.Erased).Select(r => r.ContactId).Distinct().CountAsync(ct);
    }

    /// <summary>The permits of the people on a page, newest first.</summary>
    public static async Task<ILookup<Guid, InboxPermit>> PermitsAsync(KabarDbContext db, IReadOnlyCollection<Guid> contactIds,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = contactIds.Distinct().ToList();
        var permits = ids.Count == 0
            ? []
            : await db.Permits.AsNoTracking().Where(p => ids.Contains(p.HolderContactId)).OrderByDescending(p => p.UpdatedAt)
                .Select(p => new InboxPermit(p.Id, p.HolderContactId, p.PermitNumber ?? p.ExternalRef, p.PermitType, p.Status))
                .ToListAsync(ct);
        return permits.ToLookup(p => p.HolderContactId);
    }

    /// <summary>The person's latest messages and the text answers to them, oldest first as a chat reads.</summary>
    public static async Task<List<ConversationEntry>> ConversationAsync(KabarDbContext db, Guid contactId, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var inbound = await db.InboundMessages.AsNoTracking()
            .Where(m => m.ContactId == contactId && m.Type != "system")
            .OrderByDescending(m => m.SentAt).Take(take)
            .Select(m => new ConversationEntry(m.SentAt, true, m.Body ?? m.Payload, m.Type, m.Effect, null, null, null))
            .ToListAsync(ct);
        var answers = await db.Notifications.AsNoTracking()
            .Where(n => n.ContactId == contactId && n.Kind == MessageKind.Text)
            .OrderByDescending(n => n.CreatedAt).Take(take)
            .Select(n => new ConversationEntry(n.CreatedAt, false, n.Body, null, null, n.Id, n.Type, n.State, n.Channel))
            .ToListAsync(ct);
        return [.. inbound.Concat(answers).OrderBy(e => e.At).ThenBy(e => e.FromPerson ? 0 : 1).TakeLast(take)];
    }

    /// <summary>The business number the person last wrote to, so the answer comes from the same one.</summary>
    public static Task<string?> LastNumberAsync(KabarDbContext db, Guid contactId, CancellationToken ct) =>
        db.InboundMessages.AsNoTracking().Where(m => m.ContactId == contactId && m.PhoneNumberId != null)
            .OrderByDescending(m => m.SentAt).Select(m => m.PhoneNumberId).FirstOrDefaultAsync(ct);
}
