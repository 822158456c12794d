using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Inbox;
using Kabar.Permits;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/inbox</c>: what people wrote on WhatsApp, newest first, the unanswered ones marked,
/// each with the person's consent, their window and their permits; each leads to the conversation
/// where operators answer.
/// </summary>
public sealed class InboxModel(KabarDbContext db, DecisionInputs inputs, WorkCalendar calendar, TimeProvider time) : AdminPageModel
{
    /// <summary><c>unanswered</c> shows only the messages still waiting for an answer.</summary>
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }

    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public bool UnansweredOnly => Show == "unanswered";

    public IReadOnlyList<InboxRow> Rows { get; private set; } = [];

    public ILookup<Guid, InboxPermit> Permits { get; private set; } = Array.Empty<InboxPermit>().ToLookup(p => p.HolderContactId);

    public string? Next { get; private set; }

    public DateTime Now { get; private set; }

    public TimeZoneInfo Zone => calendar.Zone;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow().UtcDateTime;
        (var rows, Next) = await InboxQueries.PageAsync(db, UnansweredOnly, KeysetCursor.TryParse(After, out var after) ? after : null, ct);
        Rows = rows;
        Permits = await InboxQueries.PermitsAsync(db, rows.Select(r => r.ContactId).ToList(), ct);
    }

    public DateTime? WindowEnd(InboxRow row) => SendDecision.WindowExpiresAt(row.LastInboundAt, inputs.Policy);

    public string NextUrl() =>
        QueryString.Create(new Dictionary<string, string?> { ["show"] = UnansweredOnly ? "unanswered" : null, ["after"] = Next }
            .Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();
}
