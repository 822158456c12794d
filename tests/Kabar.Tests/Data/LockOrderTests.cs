using Kabar.Data;
using Kabar.Notifications;
using Kabar.Statuses;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kabar.Tests.Data;

/// <summary>
/// On PostgreSQL the dispatcher recording a send's answer and the status worker applying its
/// <c>sent</c> status change the same notice and attempt at about the same moment (Meta posts
/// the status as the answer comes back). Each takes the notice's row lock before the attempt's;
/// when one took the attempt first, the two held what the other needed until PostgreSQL ended
/// one as a deadlock, a second later (38 a run in the dispatch benchmark with its statuses).
/// Each test holds the attempt's row from outside and looks whether the write, now waiting for
/// it, already holds the notice.
/// </summary>
public sealed class LockOrderTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Postgres, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task AStatusBatch_TakesTheNoticeBeforeItsAttempt()
    {
        var (notice, attempt) = await AcceptedAsync("081277772001");
        using (var stored = await app.PostWebhookAsync(Meta.Envelope(Meta.Statuses(
            Meta.Status(attempt.ProviderMessageId!, "delivered", app.Time.GetUtcNow(), "6281277772001", attempt.Id.ToString())))))
        {
            await Http.AssertStatusAsync(stored, System.Net.HttpStatusCode.OK);
        }

        await app.ExpandStatusesAsync();

        await AssertTakesTheNoticeFirstAsync(notice, attempt.Id, async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var (taken, _) = await scope.ServiceProvider.GetRequiredService<StatusApplier>()
                .ApplyPendingAsync(app.Time.GetUtcNow().UtcDateTime, 1000, 0, CancellationToken.None);
            Assert.Equal(1, taken);
        });

        Assert.Equal((NotificationState.Delivered, AttemptStatus.Delivered), await app.WithDbAsync(async d => (
            await d.Notifications.Where(n => n.Id == notice).Select(n => n.State).SingleAsync(),
            await d.DeliveryAttempts.Where(a => a.Id == attempt.Id).Select(a => a.Status).SingleAsync())));
    }

    [Fact]
    public async Task ASaveOfANoticeAndItsAttempt_TakesTheNoticeFirst_WhicheverWasReadFirst()
    {
        var (notice, attempt) = await AcceptedAsync("081277772002");

        await AssertTakesTheNoticeFirstAsync(notice, attempt.Id, async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            // The attempt is read (and tracked) before its notice, as the status worker reads them.
            var a = await db.DeliveryAttempts.SingleAsync(x => x.Id == attempt.Id);
            var n = await db.Notifications.SingleAsync(x => x.Id == notice);
            a.Error = "answer recorded";
            n.LastError = "answer recorded";
            await db.SaveChangesInTurnAsync(scope.ServiceProvider.GetRequiredService<WriteGate>(), CancellationToken.None);
        });

        Assert.Equal(("answer recorded", "answer recorded"), await app.WithDbAsync(async d => (
            await d.Notifications.Where(n => n.Id == notice).Select(n => n.LastError).SingleAsync(),
            await d.DeliveryAttempts.Where(a => a.Id == attempt.Id).Select(a => a.Error).SingleAsync())));
    }

    /// <summary>A permit notice sent and its answer recorded: its attempt accepted, its statuses not yet come.</summary>
    private async Task<(Guid Notice, DeliveryAttempt Attempt)> AcceptedAsync(string phone)
    {
        await app.CreateContactAsync(phone, optedIn: true);
        var notice = await app.PermitReadyAsync(phone);
        await app.DispatchAsync();
        var attempt = await app.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().SingleAsync(a => a.NotificationId == notice));
        Assert.Equal(AttemptStatus.Accepted, attempt.Status);
        return (notice, attempt);
    }

    /// <summary>
    /// Holds the attempt's row in a transaction of its own, starts <paramref name="write"/>, waits
    /// until it waits for that row, and asserts that the notice's row is then locked (by the
    /// write, the only other writer). The held row is let go and the write must finish.
    /// </summary>
    private async Task AssertTakesTheNoticeFirstAsync(Guid notice, Guid attempt, Func<Task> write)
    {
        await using var holder = new NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("""SELECT 1 FROM "DeliveryAttempts" WHERE "Id" = $1 FOR NO KEY UPDATE""", holder, held))
        {
            hold.Parameters.Add(new NpgsqlParameter { Value = attempt });
            Assert.Equal(1, await hold.ExecuteScalarAsync());
        }

        var writing = Task.Run(write);
        await using var probe = new NpgsqlConnection(app.ConnectionString);
        await probe.OpenAsync();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await WaitsForARowAsync(probe, holder.ProcessID))
        {
            Assert.False(writing.IsCompleted, "The write finished while the attempt's row was held: it did not write the attempt.");
            Assert.True(DateTime.UtcNow < until, "The write did not come to wait for the held attempt.");
            await Task.Delay(20);
        }

        await using (var tx = await probe.BeginTransactionAsync())
        await using (var take = new NpgsqlCommand("""SELECT 1 FROM "Notifications" WHERE "Id" = $1 FOR NO KEY UPDATE NOWAIT""", probe, tx))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = notice });
            var refused = await Assert.ThrowsAsync<PostgresException>(() => take.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        }

        await held.RollbackAsync();
        await writing.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>True when a session of the database waits for a lock that <paramref name="holder"/>'s transaction holds.</summary>
    private static async Task<bool> WaitsForARowAsync(NpgsqlConnection probe, int holder)
    {
        await using var waits = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND $1 = ANY (pg_blocking_pids(pid))", probe);
        waits.Parameters.Add(new NpgsqlParameter { Value = holder });
        return (long)(await waits.ExecuteScalarAsync())! > 0;
    }
}
