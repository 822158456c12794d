using System.Net;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// The status intake keeps one connection open for its commits. When PostgreSQL ends that
/// session (a restart, a failover, an administrator), the next status post is still stored
/// and answered 200: the commit is tried again on a new connection, not failed back to Meta.
/// </summary>
public sealed class StatusIntakeConnectionTests(PostgresServer postgres)
{
    private const string Rina = "6281277770001";

    [Fact]
    public async Task IntakeSessionEndedByTheServer_NextStatusPostStillStoredBeforeIts200()
    {
        await using var app = await KabarApp.StartAsync(Db.Postgres, postgres);
        var at = app.Time.GetUtcNow();
        using (var first = await app.PostWebhookAsync(Envelope(Meta.Statuses(Status("wamid.CONN1", "delivered", at.AddMinutes(-2), Rina)))))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // Every other session on Kabar's database ends, the intake's among them.
        await using (var admin = new NpgsqlConnection(app.ConnectionString))
        {
            await admin.OpenAsync();
            await using var end = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await end.ExecuteScalarAsync())! >= 1);
        }

        NpgsqlConnection.ClearAllPools();

        using (var second = await app.PostWebhookAsync(Envelope(Meta.Statuses(Status("wamid.CONN2", "read", at.AddMinutes(-1), Rina)))))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(["wamid.CONN1", "wamid.CONN2"], (await app.StoredStatusesAsync()).Select(s => s.Wamid).Order());
        await app.ExpandStatusesAsync();
        Assert.Equal(["wamid.CONN1", "wamid.CONN2"],
            await app.WithDbAsync(d => d.WhatsAppStatusEvents.OrderBy(e => e.Wamid).Select(e => e.Wamid).ToListAsync()));
    }
}
