using Microsoft.Data.Sqlite;

namespace Kabar.Data;

/// <summary>
/// An online copy of Kabar's SQLite database (<c>kabar backup</c>) while Kabar may be running,
/// through SQLite's backup API (https://www.sqlite.org/backup.html): the pages are read inside
/// one read transaction, so the copy is one consistent moment and includes what is committed
/// but still only in the <c>-wal</c> file, which copying <c>kabar.db</c> by hand would lose.
/// </summary>
public static class SqliteBackup
{
    public sealed record Copy(string Path, long Bytes, long Contacts, long Notifications);

    public static string DefaultFileName(DateTime at) => $"kabar-{at:yyyyMMdd-HHmmss}.db";

    /// <summary>
    /// Copies the database of <paramref name="sourceConnectionString"/> to a temporary file beside
    /// <paramref name="destination"/>, checks it with <c>PRAGMA integrity_check</c> and only then
    /// renames it into place, so <paramref name="destination"/> is never a half-written file.
    /// </summary>
    public static async Task<Copy> CopyAsync(string sourceConnectionString, string destination, bool overwrite, CancellationToken ct)
    {
        destination = Path.GetFullPath(destination);
        var folder = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");

        // Never create the source (a wrong path would otherwise "back up" a new empty database);
        // no pooling, so no handle on either file outlives this method.
        var source = new SqliteConnectionStringBuilder(sourceConnectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        var target = new SqliteConnectionStringBuilder { DataSource = temporary, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        try
        {
            long contacts, notifications;
            await using (var from = new SqliteConnection(source.ToString()))
            await using (var to = new SqliteConnection(target.ToString()))
            {
                await from.OpenAsync(ct);
                await to.OpenAsync(ct);
                await BackupAsync(from, to, ct);

                // The copied header says WAL, like the source. One self-contained file is what a
                // backup should be; Kabar turns WAL on again when it migrates the restored file.
                await ScalarAsync(to, "PRAGMA journal_mode=DELETE;", ct);
                var check = await ScalarAsync(to, "PRAGMA integrity_check;", ct);
                if (!string.Equals(check as string, "ok", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"the copy failed SQLite's integrity check: {check}");
                }

                contacts = await CountAsync(to, "Contacts", ct);
                notifications = await CountAsync(to, "Notifications", ct);
            }

            File.Move(temporary, destination, overwrite);
            return new Copy(destination, new FileInfo(destination).Length, contacts, notifications);
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
            {
                File.Delete(leftover);
            }
        }
    }

    /// <summary>
    /// SQLite's backup, tried again while the running Kabar holds the database for a moment (its
    /// write or a checkpoint answers SQLITE_BUSY or SQLITE_LOCKED): about five seconds in all.
    /// </summary>
    private static async Task BackupAsync(SqliteConnection from, SqliteConnection to, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>The rows of a table, or 0 when the copied database does not have it (never migrated).</summary>
    private static async Task<long> CountAsync(SqliteConnection connection, string table, CancellationToken ct)
    {
        var exists = (long)(await ScalarAsync(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}';", ct))!;
        return exists == 0 ? 0 : (long)(await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"{table}\";", ct))!;
    }
}
