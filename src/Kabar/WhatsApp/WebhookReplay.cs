using System.Globalization;
using System.Text.Json;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.WhatsApp;

/// <summary>What <c>kabar webhooks replay ID</c> did with a quarantined post.</summary>
public sealed record ReplayResult(bool Found, bool Removed, string Detail);

/// <summary>
/// Processes a quarantined post again through the normal intake (<see cref="WebhookPayload"/>
/// and <see cref="InboundProcessor"/>), after a fix lets Kabar read more of it. What was stored
/// the first time is not stored again (wamids, statuses and preferences are deduplicated; a
/// template event is recorded again). A post now read whole is removed from the quarantine; one
/// still holding unreadable parts stays, with the time, the outcome and the reasons of this replay.
/// </summary>
public sealed class WebhookReplay(IServiceScopeFactory scopes, WriteGate gate, TimeProvider time)
{
    public async Task<ReplayResult> ReplayAsync(long id, CancellationToken ct)
    {
        WebhookQuarantinePost? post;
        await using (var scope = scopes.CreateAsyncScope())
        {
            post = await scope.ServiceProvider.GetRequiredService<KabarDbContext>().WebhookQuarantine.AsNoTracking()
                .FirstOrDefaultAsync(p => p.Id == id, ct);
        }

        if (post is null)
        {
            return new ReplayResult(false, false, $"no quarantined webhook post has the id {id}.");
        }

        if (post.Truncated)
        {
            return new ReplayResult(true, false,
                $"post {id} was {post.Size} bytes and only its first {post.Body.Length} are kept; it cannot be replayed.");
        }

        WebhookBatch batch;
        try
        {
            using var document = JsonDocument.Parse(post.Body);
            batch = WebhookPayload.Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return await KeepAsync(id, "the body is not JSON", [new SkippedPart("post", "", "not JSON")], ct);
        }

        WebhookOutcome outcome;
        using (await gate.EnterAsync(ct))
        {
            outcome = await scopes.RunWithRetryAsync((sp, t) => sp.GetRequiredService<InboundProcessor>().ProcessAsync(batch, t), ct);
        }

        var applied = string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Messages} new message(s), {outcome.Duplicates} already stored, {outcome.Statuses} new status(es), {batch.UserPreferences.Count} preference(s), {batch.TemplateStatuses.Count} template event(s), {outcome.ConsentChanges} consent change(s)");
        if (batch.Skipped.Count > 0)
        {
            return await KeepAsync(id, $"{applied}; {batch.Skipped.Count} part(s) still unreadable", batch.Skipped, ct);
        }

        await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            using (await gate.EnterAsync(t))
            {
                return await sp.GetRequiredService<KabarDbContext>().WebhookQuarantine.Where(p => p.Id == id).ExecuteDeleteAsync(t);
            }
        }, ct);
        return new ReplayResult(true, true, $"post {id} replayed: {applied}; removed from the quarantine.");
    }

    private async Task<ReplayResult> KeepAsync(long id, string outcome, List<SkippedPart> skipped, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var reasons = WebhookQuarantine.Reasons(skipped);
        var text = TextLimits.Cut(outcome, 400);
        await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            using (await gate.EnterAsync(t))
            {
                return await sp.GetRequiredService<KabarDbContext>().WebhookQuarantine.Where(p => p.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReplayedAt, now).SetProperty(p => p.ReplayOutcome, text)
                        .SetProperty(p => p.Reasons, reasons).SetProperty(p => p.Skipped, skipped.Count), t);
            }
        }, ct);
        return new ReplayResult(true, false, $"post {id} replayed: {outcome}; it stays in the quarantine:\n{reasons}");
    }
}
