using Kabar.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Kabar.Tests.Cli;

/// <summary>
/// <c>kabar backup --out FILE</c> while Kabar runs: a consistent, checked copy of the SQLite
/// database that holds what is still only in the <c>-wal</c> file, and that restores.
/// </summary>
public sealed class BackupTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string[] Phones = ["+6281277779301", "+6281277779302", "+6281277779303", "+6281277779304", "+6281277779305"];

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"kabar-backup-{Guid.NewGuid():N}");
    private KabarApp app = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        app = await KabarApp.StartAsync(Db.Sqlite, postgres);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string LiveDatabase => new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;

    [Fact]
    public async Task Backup_OfARunningKabar_HoldsEveryCommittedContact_EvenThoseOnlyInTheWal_AndRestores()
    {
        // Start from an empty write-ahead log, so the five contacts stay in it: SQLite copies the
        // log into kabar.db by itself once it passes 1,000 pages, and the migration and the first
        // start's own writes may bring it close to that.
        await EmptyTheWalAsync();
        var plainCopy = Path.Combine(folder, "plain-copy.db");
        await using (var pin = await OpenAsync(LiveDatabase))
        {
            // A reader whose snapshot predates the contacts: no checkpoint (SQLite's own, after
            // 1,000 pages or when connections close) can move them into kabar.db while it reads.
            // A deferred transaction takes no write lock; its first read fixes the snapshot.
            await ScalarAsync(pin, "BEGIN DEFERRED");
            await ScalarAsync(pin, "SELECT COUNT(*) FROM \"Contacts\"");

            foreach (var phone in Phones)
            {
                await app.CreateContactAsync(phone, optedIn: true);
            }

            // Kabar is still running with its connections open: the contacts are committed, but in
            // the write-ahead log, not yet in kabar.db. A plain file copy would not have them.
            Assert.True(new FileInfo(LiveDatabase + "-wal").Length > 0);
            File.Copy(LiveDatabase, plainCopy);
            Assert.Equal(0, await ContactsAsync(plainCopy));
        }

        var file = Path.Combine(folder, "nightly", "kabar.db");
        var run = await KabarCliRunner.RunAsync(app, "backup", "--out", file);

        Assert.True(run.Code == 0, run.ToString());
        var line = Assert.Single(run.StdoutLines);
        Assert.StartsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Backed up {LiveDatabase} to {file}: {new FileInfo(file).Length:N0} bytes, 5 contact(s), 0 notification(s)"), line);
        Assert.Equal([Path.GetFileName(file)], Directory.GetFiles(Path.GetDirectoryName(file)!).Select(Path.GetFileName));

        await using (var copy = await OpenAsync(file))
        {
            Assert.Equal("ok", await ScalarAsync(copy, "PRAGMA integrity_check"));
            Assert.Equal("delete", await ScalarAsync(copy, "PRAGMA journal_mode"));
            var phones = new List<string>();
            await using var command = copy.CreateCommand();
            command.CommandText = "SELECT \"Phone\" FROM \"Contacts\" ORDER BY \"Phone\"";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                phones.Add(reader.GetString(0));
            }

            Assert.Equal(Phones, phones);
        }

        // Restored: Kabar reads the copy, and every consent chain in it is whole.
        var verify = await KabarCliRunner.RunAsync(Db.Sqlite, $"Data Source={file}", "consent", "verify");
        Assert.True(verify.Code == 0, verify.ToString());
        Assert.Equal("Consent ledger intact: 5 event(s) across 5 contact(s).", verify.Stdout.Trim());
    }

    [Fact]
    public async Task Backup_OverAnExistingFile_IsRefused_UnlessForced()
    {
        await app.CreateContactAsync(Phones[0], optedIn: false);
        var file = Path.Combine(folder, "kabar.db");
        await File.WriteAllTextAsync(file, "yesterday's backup", TestContext.Current.CancellationToken);

        var refused = await KabarCliRunner.RunAsync(app, "backup", "--out", file);

        Assert.True(refused.Code == 2, refused.ToString());
        Assert.Equal("", refused.Stdout);
        Assert.Equal($"kabar: '{file}' exists; give --force to replace it, or another name.", refused.Stderr.Trim());
        Assert.Equal("yesterday's backup", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));

        // Not even --force replaces the database with a copy of itself.
        var itself = await KabarCliRunner.RunAsync(app, "backup", "--out", LiveDatabase, "--force");
        Assert.True(itself.Code == 2, itself.ToString());
        Assert.Equal($"kabar: '{LiveDatabase}' is the database itself; back it up to another file.", itself.Stderr.Trim());
        Assert.Equal(1, await ContactsAsync(LiveDatabase));

        var forced = await KabarCliRunner.RunAsync(app, "backup", "--out", file, "--force");

        Assert.True(forced.Code == 0, forced.ToString());
        Assert.Equal(1, await ContactsAsync(file));
    }

    [Fact]
    public async Task Backup_IntoAFolder_NamesTheFileByTheTime()
    {
        var run = await KabarCliRunner.RunAsync(app, "backup", "--out", folder + "/");

        Assert.True(run.Code == 0, run.ToString());
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches(@"kabar-\d{8}-\d{6}\.db$", file);
        Assert.Contains($" to {file}: ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_OnPostgres_ExitsTwo_PointingToPgDump()
    {
        var file = Path.Combine(folder, "kabar.db");

        var run = await KabarCliRunner.RunAsync(Db.Postgres, "Host=127.0.0.1;Port=1;Database=kabar;Username=kabar", "backup", "--out", file);

        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("pg_dump", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    private static async Task<SqliteConnection> OpenAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Checkpoints the live database's log into kabar.db and truncates it, retrying while a reader holds it.</summary>
    private async Task EmptyTheWalAsync()
    {
        await using var connection = await OpenAsync(LiveDatabase);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            if (await reader.ReadAsync(TestContext.Current.CancellationToken) && reader.GetInt32(0) == 0)
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("The live database's write-ahead log stayed busy for 5 s.");
    }

    /// <summary>The contacts in a database file; none when it does not even have the table.</summary>
    private static async Task<long> ContactsAsync(string file)
    {
        await using var connection = await OpenAsync(file);
        var table = (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'Contacts'"))!;
        return table == 0 ? 0 : (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM \"Contacts\""))!;
    }
}
