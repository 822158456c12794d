using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kabar.WhatsApp;

/// <summary>
/// Stores webhook posts that carry statuses and nothing else (most of Meta's traffic: sent,
/// delivered and read for every message) as they came, one row per post in the webhook inbox,
/// compressed without loss (the one writer commits a fifth of the bytes), with group commit:
/// posts that arrive while a commit is under way wait for the next one, and that one stores all
/// of them with one statement (on SQLite, in one write turn). Each post gets its
/// 200 only after its body is committed; a failed commit fails every post in it, and Meta
/// delivers them again. Expanding a post into its status rows (<see cref="ExpandAsync"/>) and
/// applying them to attempts are the status worker's job, after the acknowledgement; while
/// posts keep arriving the worker gives way for a moment (<see cref="GiveWayAsync"/>), so a burst
/// is acknowledged first and applied right after.
/// </summary>
public sealed partial class StatusIntake(
    IServiceScopeFactory scopes,
    WriteGate gate,
    CrashPoints crash,
    ILogger<StatusIntake> logger) : BackgroundService
{
    /// <summary>One commit takes posts until they hold this many statuses (Meta posts up to 1,000 at once).</summary>
    public const int MaxStatusesPerCommit = 2_000;

    /// <summary>The intake counts as busy while posts wait for their commit and for this long after the last is answered.</summary>
    public static readonly TimeSpan BusyFor = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest the status worker gives way to a burst before it works beside it.</summary>
    public static readonly TimeSpan MaxGiveWay = TimeSpan.FromSeconds(1);

    /// <summary>How many times a group's commit is tried, each on a new connection, before its posts are answered with an error.</summary>
    private const int CommitAttempts = 5;

    /// <summary>About how many statuses one expansion takes (at least one post, whatever its size).</summary>
    public const int ExpandStatuses = 1_000;

    private readonly Channel<Post> queue = Channel.CreateUnbounded<Post>(new UnboundedChannelOptions { SingleReader = true });
    private long lastPost; // a Stopwatch timestamp; 0 is long ago
    private Writer? writer; // the commit loop's alone
    private int waiting;

    /// <summary>
    /// How many statuses a post carries when it carries statuses and nothing else, else 0: every
    /// change is a <c>messages</c> change whose value has a <c>statuses</c> array and neither
    /// <c>messages</c> nor <c>errors</c>. Anything else (a STOP, a preference, a template event)
    /// is applied in the post's own transaction before the 200. A status missing its id or
    /// status is still the status worker's to count and skip.
    /// </summary>
    public static int StatusesOnly(JsonElement root)
    {
        try
        {
            return CountStatuses(root);
        }
        catch (InvalidOperationException)
        {
            // A key or field holds an escaped unpaired surrogate: the post takes the careful path,
            // where each item is read on its own and the unreadable ones are quarantined.
            return 0;
        }
    }

    private static int CountStatuses(JsonElement root)
    {
        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        var statuses = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("changes", out var changes)
                || changes.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            foreach (var change in changes.EnumerateArray())
            {
                if (change.ValueKind != JsonValueKind.Object
                    || !change.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String || !field.ValueEquals("messages")
                    || !change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object
                    || !value.TryGetProperty("statuses", out var list) || list.ValueKind != JsonValueKind.Array
                    || value.TryGetProperty("messages", out _) || value.TryGetProperty("errors", out _))
                {
                    return 0;
                }

                statuses += list.GetArrayLength();
            }
        }

        return statuses;
    }

    /// <summary>
    /// Stores a status-only post's raw body; returns once it is committed. The body is
    /// compressed here, on the request's own thread, so that the commit, which all posts
    /// wait for in turn, writes a fifth of the bytes.
    /// </summary>
    public async Task StoreAsync(byte[] body, int statuses, DateTime receivedAt, CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            var post = new Post(new WebhookInboxPost
            {
                Body = Compress(body),
                BodyEncoding = WebhookInboxPost.Zlib,
                Statuses = statuses,
                ReceivedAt = receivedAt,
            });
            if (!queue.Writer.TryWrite(post))
            {
                throw new OperationCanceledException("Kabar is stopping; the webhook was not stored.");
            }

            await post.Done.Task.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
            Volatile.Write(ref lastPost, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The body of a stored post exactly as Meta posted and signed it.</summary>
    public static byte[] RawBody(WebhookInboxPost post)
    {
        switch (post.BodyEncoding)
        {
            case null:
                return post.Body;
            case WebhookInboxPost.Zlib:
                using (var zlib = new ZLibStream(new MemoryStream(post.Body), CompressionMode.Decompress))
                {
                    var raw = new MemoryStream(post.Body.Length * 6);
                    zlib.CopyTo(raw);
                    return raw.ToArray();
                }

            default:
                throw new FormatException($"Unknown webhook body encoding '{post.BodyEncoding}'.");
        }
    }

    private static byte[] Compress(byte[] body)
    {
        // Status JSON repeats its keys and values; the fastest level already keeps about a fifth.
        var packed = new MemoryStream(body.Length / 3);
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return packed.ToArray();
    }

    /// <summary>Whether posts are waiting for their commit or one was answered within <see cref="BusyFor"/>.</summary>
    internal bool Busy => Volatile.Read(ref waiting) > 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref lastPost)) < BusyFor;

    /// <summary>
    /// Waits while status posts keep arriving (<see cref="Busy"/>), at most
    /// <see cref="MaxGiveWay"/>: on two cores, expanding and applying beside a burst takes the
    /// CPU the acknowledgements need, and Meta times those. The worker calls this once per
    /// wake-up and then works until nothing is left, so a steady stream delays applying by at
    /// most a second and never starves it.
    /// </summary>
    public async Task GiveWayAsync(CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        while (Busy && Stopwatch.GetElapsedTime(start) < MaxGiveWay)
        {
            await Task.Delay(10, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Post>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var statuses = 0;
                while (statuses < MaxStatusesPerCommit && queue.Reader.TryRead(out var post))
                {
                    group.Add(post);
                    statuses += post.Row.Statuses;
                }

                await CommitAsync(group, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Writer.TryComplete();
            foreach (var post in group)
            {
                post.Done.TrySetCanceled(stoppingToken);
            }

            while (queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(stoppingToken);
            }

            await CloseWriterAsync();
        }
    }

    private async Task CommitAsync(List<Post> group, CancellationToken ct)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    writer ??= await Writer.OpenAsync(scopes, ct);
                    using (await gate.EnterAsync(ct))
                    {
                        await writer.InsertAsync(group, ct);
                    }

                    break;
                }
                catch (Exception ex) when (attempt < CommitAttempts && (ex is not OperationCanceledException || !ct.IsCancellationRequested))
                {
                    // The connection may be what failed (the database restarted, a busy SQLite
                    // file): try again on a new one. Should the failure have hidden a commit that
                    // did happen, the posts are stored twice, and the expansion stores each
                    // (wamid, status) once.
                    await CloseWriterAsync();
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), ct);
                }
            }

            crash.Hit(CrashPoints.WebhookIntake); // stored, not yet answered: Meta delivers the posts again
            foreach (var post in group)
            {
                post.Done.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await CloseWriterAsync();
            LogCommitFailed(ex, group.Count);
            foreach (var post in group)
            {
                post.Done.TrySetException(ex);
            }
        }
    }

    private async Task CloseWriterAsync()
    {
        if (writer is { } open)
        {
            writer = null;
            try
            {
                await open.DisposeAsync();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
            {
                // Closing a connection that is already broken; the next commit opens a new one.
            }
        }
    }

    /// <summary>
    /// The intake's own connection, open for as long as commits succeed, with one prepared
    /// <c>INSERT</c> per group size: a commit is then the statement and nothing else, no scope,
    /// context, pooled open or statement preparation each time (all posts wait for each commit
    /// in turn). Values are typed by EF Core's own mappings, so times are stored as EF Core
    /// stores them.
    /// </summary>
    private sealed class Writer(AsyncServiceScope scope, KabarDbContext db) : IAsyncDisposable
    {
        /// <summary>Groups up to this many posts keep their prepared statement; larger ones (small posts in a flood) make theirs each time.</summary>
        private const int KeptSizes = 32;

        private readonly Dictionary<int, DbCommand> commands = [];
        private readonly RelationalTypeMapping[] mappings = [.. Columns.Select(c =>
            db.Model.FindEntityType(typeof(WebhookInboxPost))!.FindProperty(c)!.GetRelationalTypeMapping())];

        private static readonly string[] Columns =
            [nameof(WebhookInboxPost.ReceivedAt), nameof(WebhookInboxPost.Body), nameof(WebhookInboxPost.BodyEncoding), nameof(WebhookInboxPost.Statuses)];

        public static async Task<Writer> OpenAsync(IServiceScopeFactory scopes, CancellationToken ct)
        {
            var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            try
            {
                await db.Database.OpenConnectionAsync(ct);
                return new Writer(scope, db);
            }
            catch
            {
                await scope.DisposeAsync();
                throw;
            }
        }

        /// <summary>One statement for the whole group: committed whole or not at all, without a transaction's round trips.</summary>
        public async Task InsertAsync(List<Post> group, CancellationToken ct)
        {
            var kept = group.Count <= KeptSizes;
            if (!commands.TryGetValue(group.Count, out var command))
            {
                command = await CreateAsync(group.Count, prepare: kept, ct);
                if (kept)
                {
                    commands[group.Count] = command;
                }
            }

            try
            {
                for (var i = 0; i < group.Count; i++)
                {
                    var row = group[i].Row;
                    object?[] values = [row.ReceivedAt, row.Body, row.BodyEncoding, row.Statuses]; // in the order of Columns
                    for (var c = 0; c < values.Length; c++)
                    {
                        command.Parameters[(i * Columns.Length) + c].Value =
                            (mappings[c].Converter is { } converter ? converter.ConvertToProvider(values[c]) : values[c]) ?? DBNull.Value;
                    }
                }

                await command.ExecuteNonQueryAsync(ct);
            }
            finally
            {
                if (!kept)
                {
                    await command.DisposeAsync();
                }
                else
                {
                    // A kept statement must not hold the group's bodies until its size comes again.
                    for (var i = 0; i < group.Count; i++)
                    {
                        command.Parameters[(i * Columns.Length) + 1].Value = DBNull.Value;
                    }
                }
            }
        }

        private async Task<DbCommand> CreateAsync(int rows, bool prepare, CancellationToken ct)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            var sql = new StringBuilder($"INSERT INTO \"WebhookInbox\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES ");
            for (var i = 0; i < rows; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < Columns.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"@p{(i * Columns.Length) + c}");
                    sql.Append(c == 0 ? "" : ", ").Append(name);
                    command.Parameters.Add(mappings[c].CreateParameter(command, name, null, nullable: true));
                }

                sql.Append(')');
            }

            command.CommandText = sql.ToString();
            try
            {
                if (prepare)
                {
                    await command.PrepareAsync(ct);
                }
            }
            catch
            {
                await command.DisposeAsync();
                throw;
            }

            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync();
            }

            await db.Database.CloseConnectionAsync();
            await scope.DisposeAsync();
        }
    }

    /// <summary>
    /// Expands the oldest stored posts, up to about <see cref="ExpandStatuses"/> statuses (at
    /// least one post), into status rows and deletes them, in one transaction. On PostgreSQL the
    /// posts are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several processes share the inbox;
    /// on SQLite they are read and parsed beside the other writers, and only the writes take the
    /// write turn. A status already stored (Meta delivers the same one again) is skipped; a status
    /// missing its id or status is counted and skipped. Returns how many posts were expanded.
    /// </summary>
    public static async Task<int> ExpandAsync(KabarDbContext db, WriteGate gate, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        await using var claim = postgres ? await db.Database.BeginTransactionAsync(ct) : null;
        var oldest = postgres
            ? db.WebhookInbox.FromSql($"""SELECT * FROM "WebhookInbox" ORDER BY "Id" LIMIT 500 FOR UPDATE SKIP LOCKED""")
            : db.WebhookInbox.OrderBy(p => p.Id).Take(500);
        var heads = await oldest.Select(p => new { p.Id, p.Statuses }).ToListAsync(ct);
        if (heads.Count == 0)
        {
            return 0;
        }

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

        var rows = await db.WebhookInbox.Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id).AsNoTracking().ToListAsync(ct);
        var events = new List<WhatsAppStatusEvent>(statuses);
        var malformed = 0;
        var bad = new List<(byte[] Body, List<SkippedPart> Skipped, DateTime ReceivedAt)>();
        foreach (var row in rows)
        {
            byte[]? body = null;
            try
            {
                body = RawBody(row);
                using var document = JsonDocument.Parse(body);
                var batch = WebhookPayload.Parse(document.RootElement);
                malformed += batch.Malformed;
                events.AddRange(Events(batch.Statuses, row.ReceivedAt));
                if (batch.Skipped.Count > 0)
                {
                    // Its neighbours are applied; the post is kept, with why, for a replay after a fix.
                    bad.Add((body, batch.Skipped, row.ReceivedAt));
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or InvalidDataException)
            {
                // Read once already at the door, so this does not happen; if it did, one unreadable
                // post must not hold every later one up.
                LogUnreadable(db.GetService<ILoggerFactory>().CreateLogger<StatusIntake>(), ex, row.Id, row.Statuses);
                malformed += row.Statuses;
                if (body is not null)
                {
                    bad.Add((body, [new SkippedPart("post", "", $"unreadable ({ex.GetType().Name})")], row.ReceivedAt));
                }
            }
        }

        var quarantined = false;
        foreach (var (body, skipped, receivedAt) in bad)
        {
            quarantined |= await WebhookQuarantine.AddAsync(db, body, skipped, receivedAt,
                db.GetService<ILoggerFactory>().CreateLogger<StatusIntake>(), ct) is not null;
        }

        using (postgres ? null : await gate.EnterAsync(ct, urgent: false))
        {
            await using var tx = claim ?? await db.Database.BeginTransactionAsync(ct);
            await InsertAsync(db, events, ct);
            if (quarantined)
            {
                await db.SaveChangesAsync(ct);
            }

            if (await db.WebhookInbox.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct) != rows.Count)
            {
                throw new DbUpdateConcurrencyException("Another worker expanded some of these webhook posts first.");
            }

            await tx.CommitAsync(ct);
        }

        if (malformed > 0)
        {
            LogMalformed(db.GetService<ILoggerFactory>().CreateLogger<StatusIntake>(), malformed);
        }

        return rows.Count;
    }

    /// <summary>
    /// Inserts statuses in the open transaction, skipping any (wamid, status) already stored, and
    /// returns the keys that were new. On SQLite one prepared statement runs row by row (the write
    /// turn is held already); on PostgreSQL one statement takes them all and the unique index
    /// decides, so concurrent deliveries of the same status cannot both land.
    /// </summary>
    public static async Task<HashSet<(string Wamid, string Status)>> InsertAsync(KabarDbContext db,
        List<WhatsAppStatusEvent> events, CancellationToken ct)
    {
        var fresh = new HashSet<(string, string)>();
        if (events.Count == 0)
        {
            return fresh;
        }

        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.IsSqlite())
        {
            // The parameters are made once, by EF Core's own type mappings (so values are stored
            // exactly as EF Core stores them), and given each row's values in turn.
            var type = db.Model.FindEntityType(typeof(WhatsAppStatusEvent))!;
            var mappings = Columns.Select(c => type.FindProperty(c)!.GetRelationalTypeMapping()).ToList();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO "WhatsAppStatusEvents" ({columns})
                VALUES ({string.Join(", ", Columns.Select((_, i) => $"@s{i}"))})
                ON CONFLICT ("Wamid", "Status") DO NOTHING
                """;
            var first = Row(events[0]);
            var parameters = mappings.Select((m, c) => m.CreateParameter(command, $"@s{c}", first[c], nullable: true)).ToArray();
            command.Parameters.AddRange(parameters);
            foreach (var e in events)
            {
                var row = Row(e);
                for (var c = 0; c < row.Length; c++)
                {
                    parameters[c].Value = (mappings[c].Converter is { } converter ? converter.ConvertToProvider(row[c]) : row[c]) ?? DBNull.Value;
                }

                if (await command.ExecuteNonQueryAsync(ct) > 0)
                {
                    fresh.Add((e.Wamid, e.Status));
                }
            }

            return fresh;
        }

        // One statement for all of them: each column as one array, unnested into rows. Every
        // transaction takes the unique index's row locks in the same order (the rows are sorted):
        // Meta delivers the same status in several posts at once, and two inserting shared keys
        // in different orders deadlock (PostgreSQL then aborts one after a second).
        var rows = events.OrderBy(e => e.Wamid, StringComparer.Ordinal).ThenBy(e => e.Status, StringComparer.Ordinal)
            .Select(Row).ToList();
        var entity = db.Model.FindEntityType(typeof(WhatsAppStatusEvent))!;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            var arrays = new List<string>();
            for (var c = 0; c < Columns.Length; c++)
            {
                var property = entity.FindProperty(Columns[c])!;
                var values = Array.CreateInstance(property.ClrType, rows.Count);
                for (var r = 0; r < rows.Count; r++)
                {
                    values.SetValue(rows[r][c], r);
                }

                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@a{c}";
                parameter.Value = values;
                command.Parameters.Add(parameter);
                arrays.Add($"@a{c}::{property.GetColumnType()}[]");
            }

            command.CommandText = $"""
                INSERT INTO "WhatsAppStatusEvents" ({columns})
                SELECT * FROM unnest({string.Join(", ", arrays)})
                ON CONFLICT ("Wamid", "Status") DO NOTHING
                RETURNING "Wamid", "Status"
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                fresh.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return fresh;
    }

    /// <summary>The statuses of a post as rows, each (wamid, status) once, received <paramref name="now"/>.</summary>
    public static List<WhatsAppStatusEvent> Events(List<StatusItem> items, DateTime now) =>
        items.DistinctBy(s => (s.Wamid, s.Status)).Select(s => new WhatsAppStatusEvent
        {
            Wamid = Limit(s.Wamid, 200)!,
            Status = Limit(s.Status, 16)!,
            OccurredAt = s.OccurredAt,
            RecipientId = Limit(s.RecipientId, 20),
            RecipientUserId = Limit(s.RecipientUserId, 160),
            BizOpaqueCallbackData = Limit(s.BizOpaqueCallbackData, 512),
            ErrorCode = s.ErrorCode,
            ErrorTitle = Limit(s.ErrorTitle, 512),
            PricingCategory = Limit(s.PricingCategory, 40),
            PricingType = Limit(s.PricingType, 40),
            Billable = s.Billable,
            ReceivedAt = now,
        }).ToList();

    private static string? Limit(string? value, int max) => TextLimits.Cut(value, max);

    /// <summary>The columns a new status is inserted with, in the order of <see cref="Row"/>.</summary>
    private static readonly string[] Columns =
    [
        nameof(WhatsAppStatusEvent.Wamid), nameof(WhatsAppStatusEvent.Status), nameof(WhatsAppStatusEvent.OccurredAt),
        nameof(WhatsAppStatusEvent.RecipientId), nameof(WhatsAppStatusEvent.RecipientUserId), nameof(WhatsAppStatusEvent.BizOpaqueCallbackData),
        nameof(WhatsAppStatusEvent.ErrorCode), nameof(WhatsAppStatusEvent.ErrorTitle), nameof(WhatsAppStatusEvent.PricingCategory),
        nameof(WhatsAppStatusEvent.PricingType), nameof(WhatsAppStatusEvent.Billable), nameof(WhatsAppStatusEvent.ReceivedAt),
    ];

    private static object?[] Row(WhatsAppStatusEvent e) =>
        [e.Wamid, e.Status, e.OccurredAt, e.RecipientId, e.RecipientUserId, e.BizOpaqueCallbackData,
            e.ErrorCode, e.ErrorTitle, e.PricingCategory, e.PricingType, e.Billable, e.ReceivedAt];

    private sealed record Post(WebhookInboxPost Row)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Posts} status webhook post(s) failed; they are answered with an error and Meta delivers them again")]
    private partial void LogCommitFailed(Exception ex, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp status webhooks: {Count} status(es) without an id or status skipped")]
    private static partial void LogMalformed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored status webhook post {Id} could not be read; its {Statuses} status(es) are skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception ex, long id, int statuses);
}
