using System.Threading.Channels;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kabar.WhatsApp;

/// <summary>
/// Stores the statuses of webhook posts that carry nothing else (most of Meta's traffic: sent,
/// delivered and read for every message) with group commit: posts that arrive while a commit is
/// under way wait for the next one, and that one takes all of them in one transaction (on SQLite,
/// one write turn). Each post still gets its 200 only after its statuses are committed; a failed
/// commit fails every post in it, and Meta delivers them again. Applying the statuses to their
/// attempts is the status worker's job, after the acknowledgement.
/// </summary>
public sealed partial class StatusIntake(
    IServiceScopeFactory scopes,
    WriteGate gate,
    CrashPoints crash,
    ILogger<StatusIntake> logger) : BackgroundService
{
    /// <summary>One commit takes posts until it holds this many statuses (Meta posts up to 1,000 at once).</summary>
    public const int MaxStatusesPerCommit = 2_000;

    private readonly Channel<Post> queue = Channel.CreateUnbounded<Post>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Whether a post is stored here: statuses and nothing else, none of them malformed.</summary>
    public static bool Takes(WebhookBatch batch) =>
        batch is { Statuses.Count: > 0, Messages.Count: 0, UserPreferences.Count: 0, TemplateStatuses.Count: 0, AccountErrors.Count: 0, Malformed: 0 };

    /// <summary>Stores the post's statuses; returns how many of them were new once committed.</summary>
    public async Task<int> StoreAsync(List<WhatsAppStatusEvent> events, CancellationToken ct)
    {
        var post = new Post(events);
        if (!queue.Writer.TryWrite(post))
        {
            throw new OperationCanceledException("Kabar is stopping; the webhook was not stored.");
        }

        return await post.Done.Task.WaitAsync(ct);
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
                    statuses += post.Events.Count;
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
        }
    }

    private async Task CommitAsync(List<Post> group, CancellationToken ct)
    {
        try
        {
            var fresh = await scopes.RunWithRetryAsync(async (sp, token) =>
            {
                var db = sp.GetRequiredService<KabarDbContext>();
                using (await gate.EnterAsync(token))
                {
                    await using var tx = await db.Database.BeginTransactionAsync(token);
                    var keys = await InsertAsync(db, group.SelectMany(p => p.Events).ToList(), token);
                    crash.Hit(CrashPoints.WebhookIntake);
                    await tx.CommitAsync(token);
                    return keys;
                }
            }, ct);

            // A status in two posts of the same commit is new for the first of them only.
            foreach (var post in group)
            {
                post.Done.TrySetResult(post.Events.Count(e => fresh.Remove((e.Wamid, e.Status))));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogCommitFailed(ex, group.Count);
            foreach (var post in group)
            {
                post.Done.TrySetException(ex);
            }
        }
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

    private static string? Limit(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];

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

    private sealed record Post(List<WhatsAppStatusEvent> Events)
    {
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing the statuses of {Posts} webhook post(s) failed; they are answered with an error and Meta delivers them again")]
    private partial void LogCommitFailed(Exception ex, int posts);
}
