using System.Text.Json;
using Kabar.Data;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Kabar.Statuses;

/// <summary>
/// Expands the oldest posts in the webhook inbox into status rows (<see cref="StatusEventStore"/>)
/// and deletes them, in one transaction. On PostgreSQL the posts are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several processes share the inbox; on SQLite they are read
/// and parsed beside the other writers, and only the writes take the write turn. A status already
/// stored (Meta delivers the same one again) is skipped; a status missing its id or status is
/// counted and skipped; a post with unreadable parts is quarantined.
/// </summary>
internal static partial class StatusExpander
{
    /// <summary>About how many statuses one expansion takes (at least one post, whatever its size).</summary>
    public const int ExpandStatuses = 1_000;

    /// <summary>Expands up to about <see cref="ExpandStatuses"/> statuses (at least one post). Returns how many posts were expanded.</summary>
    public static async Task<int> ExpandAsync(KabarDbContext db, WriteGate gate, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        await using var claim = postgres ? await db.Database.BeginTransactionAsync(ct) : null;
        var (ids, statuses) = await OldestAsync(db, postgres, ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        var logger = db.GetService<ILoggerFactory>().CreateLogger(typeof(StatusExpander));
        var rows = await db.WebhookInbox.Where(p => EF.Parameter(ids).Contains(p.Id)).OrderBy(p => p.Id).AsNoTracking().ToListAsync(ct);
        var read = Read(rows, statuses, logger);
        var quarantined = false;
        foreach (var (body, skipped, receivedAt) in read.Bad)
        {
            quarantined |= await WebhookQuarantine.AddAsync(db, body, skipped, receivedAt, logger, ct) is not null;
        }

        using (postgres ? null : await gate.EnterAsync(ct, urgent: false))
        {
            await using var tx = claim ?? await db.Database.BeginTransactionAsync(ct);
            await StatusEventStore.InsertAsync(db, read.Events, ct);
            if (quarantined)
            {
                await db.SaveChangesAsync(ct);
            }

            if (await db.WebhookInbox.Where(p => EF.Parameter(ids).Contains(p.Id)).ExecuteDeleteAsync(ct) != rows.Count)
            {
                throw new DbUpdateConcurrencyException("Another worker expanded some of these webhook posts first.");
            }

            await tx.CommitAsync(ct);
        }

        if (read.Malformed > 0)
        {
            LogMalformed(logger, read.Malformed);
        }

        return rows.Count;
    }

    /// <summary>The ids of the oldest posts, up to about <see cref="ExpandStatuses"/> statuses, and how many statuses they hold.</summary>
    private static async Task<(List<long> Ids, int Statuses)> OldestAsync(KabarDbContext db, bool postgres, CancellationToken ct)
    {
        var oldest = postgres
            ? db.WebhookInbox.FromSql($"""SELECT * FROM "WebhookInbox" ORDER BY "Id" LIMIT 500 FOR UPDATE SKIP LOCKED""")
            : db.WebhookInbox.OrderBy(p => p.Id).Take(500);
        var heads = await oldest.Select(p => new { p.Id, p.Statuses }).ToListAsync(ct);
        var ids = new List<long>();
        var statuses = 0;
        foreach (var head in heads.OrderBy(h => h.Id))
        {
            if (ids.Count > 0 && statuses + head.Statuses > ExpandStatuses)
            {
                break;
            }

            ids.Add(head.Id);
            statuses += head.Statuses;
        }

        return (ids, statuses);
    }

    /// <summary>Reads the posts into status rows; what cannot be read is counted, and kept for the quarantine.</summary>
    private static Expansion Read(List<WebhookInboxPost> rows, int statuses, ILogger logger)
    {
        var read = new Expansion(new List<WhatsAppStatusEvent>(statuses));
        foreach (var row in rows)
        {
            byte[]? body = null;
            try
            {
                body = StatusIntake.RawBody(row);
                using var document = JsonDocument.Parse(body);
                var batch = WebhookPayload.Parse(document.RootElement);
                read.Malformed += batch.Malformed;
                read.Events.AddRange(StatusEventStore.Events(batch.Statuses, row.ReceivedAt));
                if (batch.Skipped.Count > 0)
                {
                    // Its neighbours are applied; the post is kept, with why, for a replay after a fix.
                    read.Bad.Add((body, batch.Skipped, row.ReceivedAt));
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or InvalidDataException)
            {
                // Read once already at the door, so this does not happen; if it did, one unreadable
                // post must not hold every later one up.
                LogUnreadable(logger, ex, row.Id, row.Statuses);
                read.Malformed += row.Statuses;
                if (body is not null)
                {
                    read.Bad.Add((body, [new SkippedPart("post", "", $"unreadable ({ex.GetType().Name})")], row.ReceivedAt));
                }
            }
        }

        return read;
    }

    private sealed class Expansion(List<WhatsAppStatusEvent> events)
    {
        public List<WhatsAppStatusEvent> Events { get; } = events;

        public int Malformed { get; set; }

        /// <summary>Posts with parts that could not be read: their body, what was skipped and when they came.</summary>
        public List<(byte[] Body, List<SkippedPart> Skipped, DateTime ReceivedAt)> Bad { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp status webhooks: {Count} status(es) without an id or status skipped")]
    private static partial void LogMalformed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored status webhook post {Id} could not be read; its {Statuses} status(es) are skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception ex, long id, int statuses);
}
