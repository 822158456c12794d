using Kabar.Consent;
using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Campaigns;

/// <summary>One ask with what came of it.</summary>
public sealed record AskResult(
    Guid ContactId,
    string? VariantKey,
    AskOutcome Outcome,
    string? SkipReason,
    NotificationState? State,
    DateTime AskedAt,
    DateTime AttributionEndsAt,
    bool Opened,
    bool Converted)
{
    /// <summary>A request that went out or is on its way; skipped, failed and cancelled ones are not asks.</summary>
    public bool Counted => Outcome == AskOutcome.Asked
        && State is not (NotificationState.Skipped or NotificationState.Failed or NotificationState.Cancelled);
}

/// <summary>
/// Reads asks with their outcome: opened (the link's page was shown, or the link was used) and
/// converted (a WhatsApp consent granted within the ask's attribution window by the ask's own link
/// or by an opt-in keyword, SPEC §8). Computed from the asks, the notifications, the tokens and the
/// consent ledger, so the figures are always those of the recorded events.
/// </summary>
public static class AskResults
{
    public static async Task<List<AskResult>> ReadAsync(KabarDbContext db, IQueryable<CampaignAsk> asks, CancellationToken ct)
    {
        var rows = await (
            from a in asks
            join n in db.Notifications on a.NotificationId equals n.Id into ns
            from n in ns.DefaultIfEmpty()
            join t in db.OptInTokens on a.NotificationId equals t.NotificationId into ts
            from t in ts.DefaultIfEmpty()
            select new
            {
                a.Id,
                a.ContactId,
                a.VariantKey,
                a.Outcome,
                a.SkipReason,
                State = (NotificationState?)n.State,
                a.AskedAt,
                a.AttributionEndsAt,
                a.OpenedAt,
                TokenId = (Guid?)t.Id,
                TokenUsed = t.UsedAt != null,
            }).AsNoTracking().ToListAsync(ct);

        var grants = await (
            from a in asks
            join e in db.ConsentEvents on a.ContactId equals e.ContactId
            where a.Outcome == AskOutcome.Asked && e.Scope == ConsentScope.WhatsApp && e.Action == ConsentAction.Granted
                && (e.Source == ConsentSource.OptInLink || e.Source == ConsentSource.InboundKeyword)
                && e.OccurredAt >= a.AskedAt && e.OccurredAt < a.AttributionEndsAt
                // A keyword names no request: it answers the latest one before it, so one MULAI is
                // never a conversion of two asks (the window outlasts the cooldown).
                && (e.Source == ConsentSource.OptInLink || !db.CampaignAsks.Any(b => b.ContactId == a.ContactId
                    && b.Outcome == AskOutcome.Asked && b.AskedAt > a.AskedAt && b.AskedAt <= e.OccurredAt))
            select new { a.Id, e.Source, e.TokenId }).AsNoTracking().ToListAsync(ct);
        var byAsk = grants.ToLookup(g => g.Id);

        return rows
            .GroupBy(r => r.Id)
            .Select(g =>
            {
                var r = g.First();
                var tokens = g.Where(x => x.TokenId is not null).Select(x => x.TokenId!.Value.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var converted = byAsk[r.Id].Any(e => e.Source == ConsentSource.InboundKeyword
                    || (e.TokenId is not null && tokens.Contains(e.TokenId)));
                var opened = r.OpenedAt is not null || g.Any(x => x.TokenUsed);
                return new AskResult(r.ContactId, r.VariantKey, r.Outcome, r.SkipReason, r.State, r.AskedAt, r.AttributionEndsAt, opened, converted);
            })
            .ToList();
    }

    /// <summary>
    /// Records the first time a campaign link's page was shown. Only the ask's analytics column is
    /// written: the token, the consent and the contact stay untouched, as a GET must leave them.
    /// </summary>
    public static Task<int> MarkOpenedAsync(KabarDbContext db, Guid? notificationId, DateTime now, CancellationToken ct) =>
        notificationId is not { } id
            ? Task.FromResult(0)
            : db.CampaignAsks.Where(a => a.NotificationId == id && a.OpenedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.OpenedAt, now), ct);
}
