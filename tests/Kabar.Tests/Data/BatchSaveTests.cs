using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
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

    /// <summary>A unit of work holding <see cref="Mine"/>, a notice another unit has changed and saved since it was read.</summary>
    private sealed class Race(AsyncServiceScope mine, AsyncServiceScope theirs) : IAsyncDisposable
    {
        public KabarDbContext Db { get; } = mine.ServiceProvider.GetRequiredService<KabarDbContext>();

        public Notification Mine { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            await theirs.DisposeAsync();
            await mine.DisposeAsync();
        }
    }

    /// <summary>Two units of work read the notice, as two passes racing for it do; the other saves <paramref name="theirState"/> first.</summary>
    private async Task<Race> LoseRaceAsync(Guid noticeId, NotificationState theirState, WriteGate gate)
    {
        var theirScope = app.Services.CreateAsyncScope();
        var race = new Race(app.Services.CreateAsyncScope(), theirScope);
        race.Mine = await race.Db.Notifications.SingleAsync(n => n.Id == noticeId);
        var b = theirScope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var theirs = await b.Notifications.SingleAsync(n => n.Id == noticeId);
        theirs.State = theirState;
        await b.SaveChangesInTurnAsync(gate, CancellationToken.None);
        return race;
    }

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
    public async Task ManyRowsOfOneShape_WrittenTogether_ReadBackAsEfCoreWritesThem()
    {
        // Rows of one shape go together (on PostgreSQL one statement over arrays): nulls and
        // values, converted enums and times, each row with its own values.
        var notices = Enumerable.Range(0, 3).Select(_ => NewNotice()).ToList();
        notices[1].LockedUntil = null;
        notices[1].LockedBy = null;
        notices[1].Body = "Izin Anda sudah terbit.";
        notices[1].DecisionJson = """{"channel":"whatsapp"}""";
        notices[2].Category = MessageCategory.Marketing;
        notices[2].DueAt = At.AddDays(3);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            db.Notifications.AddRange(notices);
            await db.SaveChangesInTurnAsync(scope.ServiceProvider.GetRequiredService<WriteGate>(), CancellationToken.None);
        }

        var ids = notices.Select(n => n.Id).ToList();
        var stored = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id));
        foreach (var notice in notices)
        {
            Assert.Equivalent(notice, stored[notice.Id], strict: true);
        }

        // The same columns changed on every row, each to its own value.
        List<Notification> changed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            changed = await db.Notifications.Where(n => ids.Contains(n.Id)).OrderBy(n => n.DueAt).ToListAsync();
            for (var i = 0; i < changed.Count; i++)
            {
                changed[i].State = i == 0 ? NotificationState.Sent : NotificationState.Failed;
                changed[i].LockedUntil = i == 1 ? At.AddMinutes(9) : null;
                changed[i].LastError = i == 2 ? "Nomor tidak terdaftar di WhatsApp." : null;
                changed[i].UpdatedAt = At.AddSeconds(i + 1);
            }

            await db.SaveChangesInTurnAsync(scope.ServiceProvider.GetRequiredService<WriteGate>(), CancellationToken.None);
        }

        stored = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id));
        foreach (var notice in changed)
        {
            Assert.Equivalent(notice, stored[notice.Id], strict: true);
            Assert.Equal(DateTimeKind.Utc, stored[notice.Id].UpdatedAt.Kind);
        }

        Assert.Equal(2, await app.WithDbAsync(db => db.Notifications.CountAsync(n => ids.Contains(n.Id) && n.State == NotificationState.Failed)));
    }

    [Fact]
    public async Task OneStaleRowAmongMany_ThrowsAConflict_AndWritesNoneOfThem()
    {
        var notices = Enumerable.Range(0, 4).Select(_ => NewNotice()).ToList();
        await app.WithDbAsync(async db =>
        {
            db.Notifications.AddRange(notices);
            return await db.SaveChangesAsync();
        });

        var ids = notices.Select(n => n.Id).ToList();
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var gate = app.Services.GetRequiredService<WriteGate>();
        var a = first.ServiceProvider.GetRequiredService<KabarDbContext>();
        var b = second.ServiceProvider.GetRequiredService<KabarDbContext>();
        var mine = await a.Notifications.Where(n => ids.Contains(n.Id)).ToListAsync();
        var theirs = await b.Notifications.SingleAsync(n => n.Id == ids[2]);
        theirs.State = NotificationState.Delivered;
        await b.SaveChangesInTurnAsync(gate, CancellationToken.None);

        foreach (var n in mine)
        {
            n.State = NotificationState.Sent;
            n.UpdatedAt = At.AddMinutes(1);
        }

        var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => a.SaveChangesInTurnAsync(gate, CancellationToken.None));
        Assert.True(conflict.IsRetryableConflict());
        var states = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => ids.Contains(n.Id))
            .ToDictionaryAsync(n => n.Id, n => n.State));
        Assert.Equal(NotificationState.Delivered, states[ids[2]]);
        Assert.All(ids.Where(id => id != ids[2]), id => Assert.Equal(NotificationState.Sending, states[id]));
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

        var gate = app.Services.GetRequiredService<WriteGate>();
        await using var race = await LoseRaceAsync(notice.Id, NotificationState.Delivered, gate);
        var (a, mine) = (race.Db, race.Mine);

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

    [Fact]
    public async Task SetBasedWriteInTheTurn_CommitsWithTheUnit_OrIsTakenBackWithIt()
    {
        // The status worker marks its batch applied with one UPDATE in the save's transaction: a
        // status must never show as applied while the attempt it moved was not written.
        var notice = NewNotice();
        var status = new WhatsAppStatusEvent { Wamid = "wamid.HBgN", Status = "delivered", OccurredAt = At, ReceivedAt = At };
        await app.WithDbAsync(async db =>
        {
            db.Notifications.Add(notice);
            db.WhatsAppStatusEvents.Add(status);
            return await db.SaveChangesAsync();
        });

        var gate = app.Services.GetRequiredService<WriteGate>();
        Func<KabarDbContext, Func<CancellationToken, Task>> markApplied = db => async ct =>
            await db.WhatsAppStatusEvents.Where(e => e.Id == status.Id).ExecuteUpdateAsync(set => set.SetProperty(e => e.AppliedAt, At), ct);
        await using (var race = await LoseRaceAsync(notice.Id, NotificationState.Failed, gate))
        {
            race.Mine.State = NotificationState.Delivered;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
                race.Db.SaveChangesInTurnAsync(gate, CancellationToken.None, alsoInTurn: markApplied(race.Db)));
        }

        Assert.Null(await app.WithDbAsync(db => db.WhatsAppStatusEvents.Where(e => e.Id == status.Id).Select(e => e.AppliedAt).SingleAsync()));

        // A failure after both were written takes both back.
        await using (var failing = app.Services.CreateAsyncScope())
        {
            var db = failing.ServiceProvider.GetRequiredService<KabarDbContext>();
            (await db.Notifications.SingleAsync(n => n.Id == notice.Id)).State = NotificationState.Delivered;
            await Assert.ThrowsAsync<TimeoutException>(() => db.SaveChangesInTurnAsync(gate, CancellationToken.None, alsoInTurn: async ct =>
            {
                await markApplied(db)(ct);
                throw new TimeoutException("the connection dropped before the commit");
            }));
        }

        Assert.Equal(NotificationState.Failed, (await app.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == notice.Id))).State);
        Assert.Null(await app.WithDbAsync(db => db.WhatsAppStatusEvents.Where(e => e.Id == status.Id).Select(e => e.AppliedAt).SingleAsync()));

        // Worked out again, it commits both; with nothing tracked to save, the write alone.
        await using (var retry = app.Services.CreateAsyncScope())
        {
            var db = retry.ServiceProvider.GetRequiredService<KabarDbContext>();
            (await db.Notifications.SingleAsync(n => n.Id == notice.Id)).State = NotificationState.Delivered;
            await db.SaveChangesInTurnAsync(gate, CancellationToken.None, alsoInTurn: markApplied(db));
        }

        Assert.Equal(NotificationState.Delivered, (await app.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == notice.Id))).State);
        Assert.Equal(At, await app.WithDbAsync(db => db.WhatsAppStatusEvents.Where(e => e.Id == status.Id).Select(e => e.AppliedAt).SingleAsync()));
        await app.WithDbAsync(async db => await db.WhatsAppStatusEvents.Where(e => e.Id == status.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.AppliedAt, (DateTime?)null)));
        await using (var alone = app.Services.CreateAsyncScope())
        {
            var db = alone.ServiceProvider.GetRequiredService<KabarDbContext>();
            await db.SaveChangesInTurnAsync(gate, CancellationToken.None, alsoInTurn: markApplied(db));
        }

        Assert.Equal(At, await app.WithDbAsync(db => db.WhatsAppStatusEvents.Where(e => e.Id == status.Id).Select(e => e.AppliedAt).SingleAsync()));
    }
}

public sealed class BatchSaveTests_Sqlite(PostgresServer postgres) : BatchSaveTests(Db.Sqlite, postgres);

public sealed class BatchSaveTests_Postgres(PostgresServer postgres) : BatchSaveTests(Db.Postgres, postgres);
