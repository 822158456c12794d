using System.Globalization;
using Kabar.Channels;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Privacy;

/// <summary>
/// <c>retention</c>: deletes message contents older than <c>Kabar:Privacy:MessageBodyRetention</c>
/// (UU PDP Art. 16(2): personal data is kept no longer than its purpose needs). What people wrote
/// (inbound text and button payloads), what was sent (a notification's parameters and free-form
/// text, once it is finished), the recipient ids of status webhooks, and stored <c>.eml</c> files;
/// quarantined webhook posts after <c>Kabar:Privacy:WebhookQuarantineRetention</c>.
/// The facts — when, which channel, which status, the decision, the cost — stay, so the
/// statistics of SPEC §10 are unchanged. Set-based, in batches, each batch its own transaction.
/// </summary>
internal sealed class RetentionJob(IServiceScopeFactory scopes, IOptions<PrivacyOptions> options, EmailOutbox outbox, WriteGate gate,
    DeletedData deleted, ILogger<RetentionJob> logger)
{
    public const string Name = "retention";
    private const int Batch = 1000;

    private static readonly NotificationState[] Finished =
    [
        NotificationState.Sent, NotificationState.Delivered, NotificationState.Read, NotificationState.Failed,
        NotificationState.Skipped, NotificationState.Cancelled,
    ];

    public async Task<JobOutcome> RunAsync(DateTime now, CancellationToken ct)
    {
        var quarantined = await DeleteQuarantinedAsync(now, ct);
        var age = options.Value.MessageBodyRetention;
        if (age <= TimeSpan.Zero)
        {
            return new JobOutcome(quarantined, string.Create(CultureInfo.InvariantCulture,
                $"retention of message contents is off (Kabar:Privacy:MessageBodyRetention is 0); {quarantined} quarantined webhook post(s) deleted"));
        }

        var cutoff = now - age;
        var inbound = await InBatchesAsync(db => db.InboundMessages.Where(m => m.ReceivedAt < cutoff && (m.Body != null || m.Payload != null)).Select(m => m.Id),
            (db, ids, t) => db.InboundMessages.Where(m => ids.Contains(m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, (string?)null).SetProperty(m => m.Payload, (string?)null), t), ct);

        var notifications = await InBatchesAsync(
            // A notification whose fallback may still go needs its parameters to write it.
            db => db.Notifications.Where(n => n.CreatedAt < cutoff && Finished.Contains(n.State) && n.FallbackDueAt == null
                && (n.Body != null || n.ParamsJson != "{}")).Select(n => n.Id),
            (db, ids, t) => db.Notifications.Where(n => ids.Contains(n.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Body, (string?)null).SetProperty(n => n.ParamsJson, "{}"), t), ct);

        var statuses = await InBatchesAsync(
            db => db.WhatsAppStatusEvents.Where(e => e.ReceivedAt < cutoff && (e.RecipientId != null || e.RecipientUserId != null)).Select(e => e.Id),
            (db, ids, t) => db.WhatsAppStatusEvents.Where(e => ids.Contains(e.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RecipientId, (string?)null).SetProperty(e => e.RecipientUserId, (string?)null), t), ct);

        if (inbound + notifications + statuses > 0)
        {
            await deleted.PurgeAsync([typeof(InboundMessage), typeof(Notification), typeof(WhatsAppStatusEvent)], "the retention job", ct);
        }

        var files = DeleteOldEmail(cutoff);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"contents older than {cutoff:d MMM yyyy HH:mm} UTC deleted: {inbound} inbound message(s), {notifications} notification(s), {statuses} status recipient(s), {files} e-mail file(s); {quarantined} quarantined webhook post(s) deleted");
        logger.LogInformation("Retention: {Summary}", summary);
        return new JobOutcome(inbound + notifications + statuses + files + quarantined, summary);
    }

    /// <summary>Quarantined webhook posts older than <c>Kabar:Privacy:WebhookQuarantineRetention</c> go whole: the raw body is all they are.</summary>
    private async Task<int> DeleteQuarantinedAsync(DateTime now, CancellationToken ct)
    {
        var age = options.Value.WebhookQuarantineRetention;
        if (age <= TimeSpan.Zero)
        {
            return 0;
        }

        var cutoff = now - age;
        return await InBatchesAsync(db => db.WebhookQuarantine.Where(p => p.ReceivedAt < cutoff).Select(p => p.Id),
            (db, ids, t) => db.WebhookQuarantine.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(t), ct);
    }

    private async Task<int> InBatchesAsync<TKey>(Func<KabarDbContext, IQueryable<TKey>> due,
        Func<KabarDbContext, List<TKey>, CancellationToken, Task<int>> clear, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            // In key order: a batch taken in no stated order is one EF Core warns of in the log.
            var ids = await due(db).OrderBy(id => id).Take(Batch).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return total;
            }

            using (await gate.EnterAsync(ct, urgent: false))
            {
                total += await clear(db, ids, ct);
            }

            if (ids.Count < Batch)
            {
                return total;
            }
        }
    }

    /// <summary>The outbox keeps a folder per day (<c>yyyyMMdd</c>): whole days before the cutoff's go.</summary>
    private int DeleteOldEmail(DateTime cutoff)
    {
        if (!Directory.Exists(outbox.Root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(outbox.Root))
        {
            if (!DateTime.TryParseExact(Path.GetFileName(folder), "yyyyMMdd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day) || day.AddDays(1) > cutoff)
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.eml").ToList())
            {
                File.Delete(file);
                removed++;
            }

            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        return removed;
    }
}
