using System.Net;
using Kabar.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// Meta posts a status again when an answer was slow or lost. On SQLite a status Kabar already
/// holds writes nothing: its row keeps the plain rowid, so the repeat's
/// <c>INSERT … ON CONFLICT DO NOTHING</c> changes no page and its commit waits for no
/// <c>fsync</c> (an AUTOINCREMENT table would write its <c>sqlite_sequence</c> row every time).
/// </summary>
public sealed class StatusRepeatTests(PostgresServer postgres)
{
    private const string Rina = "6281277770001";

    [Fact]
    public async Task StatusPostedAgain_IsAnswered200_StoredOnce_AndTheTableHasNoSequenceToWrite()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var body = Envelope(Meta.Statuses(Status("wamid.AGAIN1", "delivered", app.Time.GetUtcNow().AddMinutes(-1), Rina)));
        for (var i = 0; i < 3; i++)
        {
            using var response = await app.PostWebhookAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["wamid.AGAIN1"], await app.WithDbAsync(d => d.WhatsAppStatusEvents.Select(e => e.Wamid).ToListAsync()));

        await using var connection = new SqliteConnection(app.ConnectionString);
        await connection.OpenAsync();
        Assert.DoesNotContain("AUTOINCREMENT", await ScalarAsync<string>(connection,
            """SELECT "sql" FROM sqlite_master WHERE "name" = 'WhatsAppStatusEvents'"""), StringComparison.OrdinalIgnoreCase);
        // Other tables keep AUTOINCREMENT, so the sequence table exists; the status table has no row in it.
        Assert.Equal(0L, await ScalarAsync<long>(connection, """SELECT count(*) FROM sqlite_sequence WHERE "name" = 'WhatsAppStatusEvents'"""));
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
