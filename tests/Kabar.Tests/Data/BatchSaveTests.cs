using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Data;

/// <summary>
/// The dispatcher's and status worker's writes go through <see cref="BatchSave"/>, not EF Core's
/// update pipeline: on both databases what it writes must read back exactly as EF Core would have
/// written it, and a lost race must leave nothing written.
/// </summary>
public abstract class BatchSaveTests(Db provider, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(provider, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static readonly DateTime At = new(2026, 11, 25, 3, 4, 5, 678, DateTimeKind.Utc);

    private static Notification NewNotice() => new()
    {
        Id = Guid.CreateVersion7(),
        Type = "permit_ready",
        Kind = MessageKind.Template,
        Category = MessageCategory.Utility,
        Essential = true,
        ParamsJson = """{"nomor_izin":"IMB/2026/0042"}""",
        State = NotificationState.Sending,
        Channel = Channel.WhatsApp,
        PhoneNumberId = "900000000000001",
        DueAt = At,
        CreatedAt = At,
        UpdatedAt = At,
        LockedUntil = At.AddMinutes(2),
        LockedBy = "host:1:abc",
        WhatsAppTries = 1,
    };

    [Fact]
    public async Task NewRows_ReadBackAsEfCoreWritesThem_KeysMadeByTheDatabaseIncluded()
    {
        var notice = NewNotice();
        var attempt = new DeliveryAttempt
        {
            Id = Guid.CreateVersion7(),
            NotificationId = notice.Id,
            Channel = Channel.WhatsApp,
            Status = AttemptStatus.Accepted,
            ProviderMessageId = "wamid.HBgN",
            Billable = true,
            PricingCategory = "utility",
            CreatedAt = At,
            UpdatedAt = At,
        };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            db.Notifications.Add(notice);
            db.DeliveryAttempts.Add(attempt);
            db.AttemptStatusChanges.Add(new AttemptStatusChange { AttemptId = attempt.Id, Status = AttemptStatus.Accepted, At = At });
            db.AttemptStatusChanges.Add(new AttemptStatusChange { AttemptId = attempt.Id, Status = AttemptStatus.Sent, At = At.AddSeconds(1), ErrorCode = 131047 });
            Assert.True(BatchSave.CanSave([.. db.ChangeTracker.Entries()]));
            await db.SaveChangesInTurnAsync(scope.ServiceProvider.GetRequiredService<WriteGate>(), CancellationToken.None);
        }

        var stored = await app.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == notice.Id));
        Assert.Equivalent(notice, stored, strict: true);
        Assert.Equal(DateTimeKind.Utc, stored.DueAt.Kind);
        var storedAttempt = await app.WithDbAsync(db => db.DeliveryAttempts.AsNoTracking().SingleAsync(a => a.Id == attempt.Id));
        Assert.Equivalent(attempt, storedAttempt, strict: true);

        // Queried by EF Core's own translation of the same values: the text forms match.
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Id == notice.Id && n.State == NotificationState.Sending
            && n.DueAt == At && n.LockedUntil > At && n.Kind == MessageKind.Template)));
        var changes = await app.WithDbAsync(db => db.AttemptStatusChanges.AsNoTracking().Where(c => c.AttemptId == attempt.Id).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([AttemptStatus.Accepted, AttemptStatus.Sent], changes.Select(c => c.Status));
        Assert.Equal([null, 131047], changes.Select(c => c.ErrorCode));
        Assert.True(changes[0].Id > 0 && changes[1].Id > changes[0].Id);
    }

    [Fact]
    public async Task LostRace_ThrowsAConflict_AndWritesNothingOfTheUnit()
    {
        var notice = NewNotice();
        await app.WithDbAsync(async db =>
        {
            db.Notifications.Add(notice);
            return await db.SaveChangesAsync();
        });

        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var gate = app.Services.GetRequiredService<WriteGate>();
        var a = first.ServiceProvider.GetRequiredService<KabarDbContext>();
        var b = second.ServiceProvider.GetRequiredService<KabarDbContext>();
        var mine = await a.Notifications.SingleAsync(n => n.Id == notice.Id);
        var theirs = await b.Notifications.SingleAsync(n => n.Id == notice.Id);

        theirs.State = NotificationState.Delivered;
        await b.SaveChangesInTurnAsync(gate, CancellationToken.None);

        // A new row first, then the stale update: the conflict must take the new row back with it.
        var attempt = new DeliveryAttempt { Id = Guid.CreateVersion7(), NotificationId = notice.Id, Channel = Channel.Sms, Status = AttemptStatus.Pending, CreatedAt = At, UpdatedAt = At };
        a.DeliveryAttempts.Add(attempt);
        mine.State = NotificationState.Sent;
        mine.CurrentAttemptId = attempt.Id;
        var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => a.SaveChangesInTurnAsync(gate, CancellationToken.None));
        Assert.True(conflict.IsRetryableConflict());

        var stored = await app.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == notice.Id));
        Assert.Equal(NotificationState.Delivered, stored.State);
        Assert.Null(stored.CurrentAttemptId);
        Assert.Equal(notice.Version + 1, stored.Version);
        Assert.False(await app.WithDbAsync(db => db.DeliveryAttempts.AnyAsync(x => x.Id == attempt.Id)));
    }
}

public sealed class BatchSaveTests_Sqlite(PostgresServer postgres) : BatchSaveTests(Db.Sqlite, postgres);

public sealed class BatchSaveTests_Postgres(PostgresServer postgres) : BatchSaveTests(Db.Postgres, postgres);
