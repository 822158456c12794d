using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// Makes values that an erasure or the retention job removed leave the database's files, not only
/// its rows (UU PDP Art. 43; docs/data-subject-requests.md, "What remains on disk").
/// <list type="bullet">
/// <item>SQLite: every connection runs with <c>secure_delete</c> (<see cref="SqliteSecureDelete"/>),
/// so a deleted or rewritten row's old bytes — in tables and indexes, on a page or a freed page —
/// are overwritten with zeros. The page images from before the change still sit in the <c>-wal</c>
/// file until a checkpoint copies the pages back and the log is truncated: done here.</item>
/// <item>PostgreSQL: an UPDATE or DELETE leaves the old row version in the table (and its index
/// entries) until VACUUM removes it: done here for the tables the change touched.</item>
/// </list>
/// Not after every write: the status intake and the dispatcher write all day, and a truncating
/// checkpoint waits for every reader. Erasures are rare, retention runs once a day.
/// </summary>
public sealed partial class DeletedData(IServiceScopeFactory scopes, WriteGate gate, ILogger<DeletedData> logger)
{
    /// <summary>Tries of a checkpoint that readers kept from finishing, a growing pause apart (about 5 s in all).</summary>
    private const int CheckpointTries = 10;

    /// <summary>
    /// Purges the old copies of what was just removed from the tables of <paramref name="entities"/>
    /// (PostgreSQL) or from the whole write-ahead log (SQLite). Runs after the commit; a purge that
    /// cannot finish is logged and leaves the data as it was before (the rows are clean either way).
    /// Returns whether it finished.
    /// </summary>
    public async Task<bool> PurgeAsync(IEnumerable<Type> entities, string why, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        try
        {
            return db.Database.IsSqlite() ? await CheckpointAsync(db, why, ct) : await VacuumAsync(db, entities, why, ct);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            LogPurgeFailed(ex, why);
            return false;
        }
    }

    /// <summary>
    /// <c>wal_checkpoint(TRUNCATE)</c> copies every page of the log into the database file and
    /// empties the log; it gives up (busy) while a reader still reads an older snapshot, so it is
    /// tried again. Kabar's own writers wait for it in the write turn.
    /// </summary>
    private async Task<bool> CheckpointAsync(KabarDbContext db, string why, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                bool busy;
                using (await gate.EnterAsync(ct))
                {
                    busy = await TryCheckpointAsync(db.Database.GetDbConnection(), ct);
                }

                if (!busy)
                {
                    return true;
                }

                if (attempt == CheckpointTries)
                {
                    LogCheckpointBusy(why, CheckpointTries);
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> TryCheckpointAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            // One row: busy (1 when a reader or writer kept it from finishing), log frames, frames checkpointed.
            return !await reader.ReadAsync(ct) || reader.GetInt32(0) != 0;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return true;
        }
    }

    /// <summary>
    /// VACUUM cannot run inside a transaction: it runs on its own, after the change committed. It
    /// removes the dead row versions no open transaction can still see, with their index entries.
    /// </summary>
    private async Task<bool> VacuumAsync(KabarDbContext db, IEnumerable<Type> entities, string why, CancellationToken ct)
    {
        var tables = entities.Select(t => db.Model.FindEntityType(t)
                ?? throw new InvalidOperationException($"{t.Name} is not in the model"))
            .Select(e => e.GetSchema() is { } schema ? $"\"{schema}\".\"{e.GetTableName()}\"" : $"\"{e.GetTableName()}\"")
            .Distinct(StringComparer.Ordinal).ToList();
        if (tables.Count == 0)
        {
            return true;
        }

        // A large table takes a while; the change itself is already committed.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
#pragma warning disable EF1002 // The table names come from the model, not from input.
        await db.Database.ExecuteSqlRawAsync($"VACUUM {string.Join(", ", tables)}", ct);
#pragma warning restore EF1002
        LogVacuumed(why, tables.Count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "After {Why}: the write-ahead log could not be checkpointed in {Tries} tries (readers kept it busy); the old page images stay in the -wal file until the next checkpoint")]
    private partial void LogCheckpointBusy(string why, int tries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After {Why}: the old copies of the removed data could not be purged from the database files")]
    private partial void LogPurgeFailed(Exception ex, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "After {Why}: {Tables} table(s) vacuumed")]
    private partial void LogVacuumed(string why, int tables);
}
