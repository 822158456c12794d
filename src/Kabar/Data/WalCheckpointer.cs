using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kabar.Data;

/// <summary>
/// SQLite copies its write-ahead log back into the database file every thousand pages, inside
/// the commit that crosses the mark: that one commit (a webhook's, a send's) waits for the copy
/// and its fsync, and every writer queued behind it waits too. Kabar's connections therefore
/// leave the copy to <see cref="WalCheckpointer"/>, which makes it every second beside the writers.
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Setup = "PRAGMA wal_autocheckpoint=0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Setup;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Setup;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Copies the write-ahead log into the SQLite file every second (a passive checkpoint: it takes
/// no writer's turn and skips what a reader still uses), so no commit pays for it.
/// </summary>
public sealed partial class WalCheckpointer(string connectionString, ILogger<WalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    /// <summary>About 64 MB of 4 KB pages: beyond that the log is truncated even if a writer waits a moment.</summary>
    private const long MostLogPages = 16_384;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var connection = new SqliteConnection(connectionString);
                    await connection.OpenAsync(stoppingToken);
                    if (await CheckpointAsync(connection, "PASSIVE", stoppingToken) > MostLogPages)
                    {
                        // Readers kept the log from being reused: wait for them once and start it afresh.
                        await CheckpointAsync(connection, "TRUNCATE", stoppingToken);
                    }
                }
                catch (SqliteException ex)
                {
                    LogFailed(logger, ex.SqliteErrorCode);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs a checkpoint; returns how many pages the log holds.</summary>
    private static async Task<long> CheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(1) ? reader.GetInt64(1) : 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed (error {Code}); trying again in a second")]
    private static partial void LogFailed(ILogger logger, int code);
}
