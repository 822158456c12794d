using System.Net;
using System.Text;
using Kabar.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Privacy;

/// <summary>
/// Erased means gone from the files, not only from the rows (docs/data-subject-requests.md,
/// "What remains on disk"). On SQLite the raw database, <c>-wal</c> and <c>-shm</c> files are read
/// byte by byte after an erasure — while Kabar runs and after it stopped — and hold neither the
/// person's phone (in any written form), name nor e-mail; after the retention job, not the old
/// message it deleted. On PostgreSQL the tables the erasure changed are vacuumed after it, so
/// no row version on their pages still holds the person.
/// </summary>
public sealed class DeletedDataOnDiskTests(PostgresServer postgres)
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    [Fact]
    public async Task Erase_OnSqlite_TheDatabaseFilesHoldNeitherPhoneNorEmail_WhileRunningAndAfterStop()
    {
        var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        app.KeepDatabase = true;
        var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        try
        {
            var person = await PrivacySeed.SeedAsync(app);
            string[] needles = [person.Phone, person.Phone[1..], "0" + person.Phone[3..], person.Phone[3..], person.Email, person.Name];

            // The scan finds the person before the erasure: it reads what SQLite wrote.
            Assert.Contains(Scan(file, needles), f => f.Contains(person.Phone[3..], StringComparison.Ordinal));

            using (var api = app.Api())
            {
                using var erase = await api.DeleteAsync($"/api/contacts/{person.ContactId}");
                await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
            }

            var running = Scan(file, needles);
            Assert.True(running.Count == 0, "While Kabar runs, the files still hold:\n" + string.Join('\n', running));
            Assert.DoesNotContain(Directory.Exists(app.Outbox) ? Directory.GetFiles(app.Outbox, "*", SearchOption.AllDirectories) : [],
                f => File.ReadAllText(f).Contains(person.Email, StringComparison.OrdinalIgnoreCase));

            await app.DisposeAsync();
            SqliteConnection.ClearAllPools(); // the last connection closes: SQLite checkpoints and removes the -wal file
            var stopped = Scan(file, needles);
            Assert.True(stopped.Count == 0, "After Kabar stopped, the files still hold:\n" + string.Join('\n', stopped));
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var suffix in Suffixes)
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Fact]
    public async Task Retention_OnSqlite_TheDatabaseFilesNoLongerHoldTheOldMessage()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Privacy:MessageBodyRetention"] = "30.00:00:00" });
        var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        const string waId = "6281277775041";
        const string text = "rumah saya di Jalan Kenanga 17B, RT 04";
        await app.CreateContactAsync("+" + waId, optedIn: true);
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(waId, "wamid.DISK-OLD", app.Time.GetUtcNow(), text))));
        Assert.NotEmpty(Scan(file, [text]));

        app.Time.Advance(TimeSpan.FromDays(31));
        using var api = app.Api();
        using var run = await api.PostAsync("/api/jobs/retention/run", null);
        await Http.AssertStatusAsync(run, HttpStatusCode.OK);
        Assert.Null(await app.WithDbAsync(d => d.InboundMessages.Select(m => m.Body).SingleAsync()));

        var left = Scan(file, [text]);
        Assert.True(left.Count == 0, "After the retention job, the files still hold:\n" + string.Join('\n', left));
    }

    [Fact]
    public async Task Erase_OnPostgres_VacuumsTheTablesItChanged()
    {
        await using var app = await KabarApp.StartAsync(Db.Postgres, postgres);
        var person = await PrivacySeed.SeedAsync(app);
        string[] tables = ["Contacts", "ConsentEvents", "Registrations", "Notifications", "DeliveryAttempts", "WhatsAppStatusEvents", "InboundMessages", "Permits"];
        var before = await VacuumCountsAsync(app, tables);

        using (var api = app.Api())
        {
            using var erase = await api.DeleteAsync($"/api/contacts/{person.ContactId}");
            await Http.AssertStatusAsync(erase, HttpStatusCode.OK);
        }

        // The vacuum reports its counts to the statistics as it ends; they are read in a new
        // transaction each time, so a moment's delay in publishing them is waited out.
        var after = before;
        for (var i = 0; i < 50 && tables.Any(t => after[t] <= before[t]); i++)
        {
            await Task.Delay(100);
            after = await VacuumCountsAsync(app, tables);
        }

        Assert.All(tables, t => Assert.True(after[t] > before[t], $"{t} was not vacuumed after the erasure"));

        // The pages themselves, not the statistics (a backend's late flush of its counts can raise
        // n_dead_tup after the vacuum reset it): no row version still on a page holds the phone,
        // the name or the e-mail. The same read finds them before the erasure.
        var found = await RowVersionsHoldingAsync(app, tables, person);
        Assert.True(found.Count == 0, "Row versions still on the pages after the erasure:\n" + string.Join('\n', found));
    }

    [Fact]
    public async Task PageRead_OnPostgres_FindsThePersonBeforeTheErasure()
    {
        await using var app = await KabarApp.StartAsync(Db.Postgres, postgres);
        var person = await PrivacySeed.SeedAsync(app);
        var found = await RowVersionsHoldingAsync(app, ["Contacts", "Registrations"], person);
        Assert.Contains(found, f => f.StartsWith("Contacts:", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("Registrations:", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every row version (line pointer in use, live or dead) on the tables' pages whose bytes hold
    /// the person's phone digits, name or e-mail, read with <c>pageinspect</c> through the buffer
    /// manager, as "table: needle".
    /// </summary>
    private static Task<List<string>> RowVersionsHoldingAsync(KabarApp app, string[] tables, SeededPerson person)
    {
        string[] needles = [person.Phone[3..], person.Name, person.Email];
        return app.WithDbAsync(async d =>
        {
            await d.Database.ExecuteSqlRawAsync("CREATE EXTENSION IF NOT EXISTS pageinspect");
            return await d.Database.SqlQuery<string>($"""
                SELECT DISTINCT t.name || ': ' || n.needle AS "Value"
                FROM unnest({tables}) AS t(name)
                CROSS JOIN LATERAL generate_series(0, (pg_relation_size(quote_ident(t.name)) / current_setting('block_size')::int)::int - 1) AS p(block)
                CROSS JOIN LATERAL heap_page_items(get_raw_page(quote_ident(t.name), p.block)) AS i
                CROSS JOIN unnest({needles}) AS n(needle)
                WHERE i.lp_flags = 1 AND position(convert_to(n.needle, 'UTF8') IN i.t_data) > 0
                """).ToListAsync();
        });
    }

    private static Task<Dictionary<string, long>> VacuumCountsAsync(KabarApp app, string[] tables) =>
        app.WithDbAsync(d => d.Database.SqlQuery<VacuumCount>(
                $"""SELECT relname AS "Table", vacuum_count AS "Count" FROM pg_stat_user_tables WHERE relname = ANY({tables})""")
            .ToDictionaryAsync(v => v.Table, v => v.Count));

    private sealed record VacuumCount(string Table, long Count);

    /// <summary>Every needle found in the raw bytes of the database file, its <c>-wal</c> and its <c>-shm</c>.</summary>
    private static List<string> Scan(string file, string[] needles)
    {
        var found = new List<string>();
        foreach (var suffix in Suffixes)
        {
            var path = file + suffix;
            if (!File.Exists(path))
            {
                continue;
            }

            byte[] bytes;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }

            foreach (var needle in needles)
            {
                var count = Count(bytes, Encoding.UTF8.GetBytes(needle));
                if (count > 0)
                {
                    found.Add($"{Path.GetFileName(path)} ({bytes.Length:N0} bytes) holds '{needle}' {count} time(s)");
                }
            }
        }

        return found;
    }

    private static int Count(byte[] haystack, byte[] needle)
    {
        var count = 0;
        var span = haystack.AsSpan();
        for (var at = span.IndexOf(needle); at >= 0; at = span.IndexOf(needle))
        {
            count++;
            span = span[(at + 1)..];
        }

        return count;
    }
}
