using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Notifications;

/// <summary>The queue's claims and the per-number sending lease, on SQLite and on PostgreSQL.</summary>
public abstract class QueueClaimTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task ConcurrentClaims_NeverTakeTheSameNotification_AndTogetherTakeAll()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(d =>
        {
            for (var i = 0; i < 300; i++)
            {
                d.Notifications.Add(new Notification { Id = Guid.CreateVersion7(), Type = "permit_ready", State = NotificationState.Queued, PhoneNumberId = "n1", DueAt = now.AddSeconds(-i), CreatedAt = now, UpdatedAt = now });
            }

            return d.SaveChangesAsync();
        });

        async Task<List<Guid>> Claim(string holder)
        {
            var all = new List<Guid>();
            while (true)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var d = scope.ServiceProvider.GetRequiredService<Kabar.Data.KabarDbContext>();
                var got = await QueueStore.ClaimAsync(d, "n1", now, 40, now.AddMinutes(2), holder, CancellationToken.None);
                if (got.Count == 0)
                {
                    return all;
                }

                all.AddRange(got);
            }
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => Claim($"holder-{i}"))));
        var claimed = results.SelectMany(r => r).ToList();
        Assert.Equal(300, claimed.Count);
        Assert.Equal(300, claimed.Distinct().Count());
    }

    [Fact]
    public async Task ExpiredClaim_IsTakenOver_ALiveOneIsNot()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        await app.WithDbAsync(d =>
        {
            d.Notifications.Add(new Notification { Id = id, Type = "permit_ready", State = NotificationState.Sending, PhoneNumberId = "n1", DueAt = now, LockedUntil = now.AddSeconds(30), LockedBy = "crashed", CreatedAt = now, UpdatedAt = now });
            return d.SaveChangesAsync();
        });

        Assert.Empty(await app.WithDbAsync(d => QueueStore.ClaimAsync(d, "n1", now, 10, now.AddMinutes(2), "me", CancellationToken.None)));
        var later = now.AddSeconds(31);
        Assert.Equal([id], await app.WithDbAsync(d => QueueStore.ClaimAsync(d, "n1", later, 10, later.AddMinutes(2), "me", CancellationToken.None)));
    }

    /// <summary>
    /// A pass that lost a race while planning hands its claim back: the notices are free at once
    /// (not after the claim's lease), their version moves so the pass's plan cannot be written,
    /// and only the holder can hand a claim back.
    /// </summary>
    [Fact]
    public async Task HandedBackClaim_IsFreeAtOnce_ForTheHolderOnly()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        await app.WithDbAsync(d =>
        {
            d.Notifications.AddRange(ids.Select(id => new Notification { Id = id, Type = "permit_ready", State = NotificationState.Queued, PhoneNumberId = "n1", DueAt = now, CreatedAt = now, UpdatedAt = now }));
            return d.SaveChangesAsync();
        });

        var claimed = await app.WithDbAsync(d => QueueStore.ClaimAsync(d, "n1", now, 10, now.AddMinutes(2), "a", CancellationToken.None));
        Assert.Equal(ids.Order(), claimed.Order());
        var versions = await app.WithDbAsync(d => d.Notifications.ToDictionaryAsync(n => n.Id, n => n.Version));

        await app.WithDbAsync(async d => { await QueueStore.UnclaimAsync(d, claimed, "b", CancellationToken.None); return 0; });
        Assert.Empty(await app.WithDbAsync(d => QueueStore.ClaimAsync(d, "n1", now, 10, now.AddMinutes(2), "b", CancellationToken.None)));

        await app.WithDbAsync(async d => { await QueueStore.UnclaimAsync(d, claimed, "a", CancellationToken.None); return 0; });
        var after = await app.WithDbAsync(d => d.Notifications.AsNoTracking().ToListAsync());
        Assert.All(after, n => Assert.Equal((null, null, NotificationState.Queued), (n.LockedBy, n.LockedUntil, n.State)));
        Assert.All(after, n => Assert.True(n.Version > versions[n.Id], "the version moves, so a plan made under the claim cannot be saved"));
        Assert.Equal(ids.Order(), (await app.WithDbAsync(d => QueueStore.ClaimAsync(d, "n1", now, 10, now.AddMinutes(2), "b", CancellationToken.None))).Order());
    }

    [Fact]
    public async Task OneDispatcherPerNumber_ASecondProcessWaitsForTheLeaseToExpire()
    {
        var first = app.Services.GetRequiredService<Dispatcher>();
        var second = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);
        await app.CreateContactAsync("+6281277773001", optedIn: true);
        await app.CreateContactAsync("+6281277773002", optedIn: true);
        await app.PermitReadyAsync("+6281277773001");

        Assert.Equal(1, (await second.RunOnceAsync(app.Number(), CancellationToken.None)).Sent);
        await app.PermitReadyAsync("+6281277773002");
        Assert.Same(DispatchPass.NotHolder, await first.RunOnceAsync(app.Number(), CancellationToken.None));
        Assert.Equal(second.Holder, await app.WithDbAsync(d => d.SenderNumbers.Select(s => s.LeaseHolder).SingleAsync()));

        // `second` stops renewing: `first` takes over once the lease ran out, and still waits a
        // second past its end, since the sends of `second` are not in its limiter.
        app.Time.Advance(TimeSpan.FromSeconds(15.5));
        Assert.Equal(0, (await first.RunOnceAsync(app.Number(), CancellationToken.None)).Sent);
        Assert.Equal(first.Holder, await app.WithDbAsync(d => d.SenderNumbers.Select(s => s.LeaseHolder).SingleAsync()));
        app.Time.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Equal(1, (await first.RunOnceAsync(app.Number(), CancellationToken.None)).Sent);
        Assert.Same(DispatchPass.NotHolder, await second.RunOnceAsync(app.Number(), CancellationToken.None));
        Assert.Equal(2, await app.WithDbAsync(d => d.DeliveryAttempts.CountAsync(a => a.Channel == Channel.WhatsApp)));
    }

    /// <summary>
    /// A departure mark is written only by the holder, in the lease it took the number in: a pass
    /// of a process that stalled past its lease, lost the number and took it back, cannot move
    /// the mark for sends the other process already counted as never sent.
    /// </summary>
    [Fact]
    public async Task DepartureMark_IsWrittenOnlyInTheLeaseItsHolderTookTheNumberIn()
    {
        var id = app.Number().PhoneNumberId;
        var lease = TimeSpan.FromSeconds(15);
        var clock = app.Time.GetUtcNow().UtcDateTime;
        var now = clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerMillisecond)); // as PostgreSQL keeps it, to the microsecond
        Task<SenderNumber?> Take(string holder, DateTime at) => app.WithDbAsync(d => QueueStore.HoldSenderAsync(d, id, holder, at, lease, CancellationToken.None));
        Task<int> Mark(string holder, int epoch, DateTime until) => app.WithDbAsync(d => QueueStore.MarkReleasedAsync(d, id, holder, epoch, until, CancellationToken.None));
        Task<SenderNumber> Row() => app.WithDbAsync(d => d.SenderNumbers.AsNoTracking().SingleAsync(s => s.PhoneNumberId == id));

        Assert.NotNull(await Take("a", now));
        var first = (await Row()).LeaseEpoch;
        Assert.Equal(1, await Mark("a", first, now.AddSeconds(1)));
        Assert.NotNull(await Take("a", now.AddSeconds(5))); // a renewal keeps the epoch
        Assert.Equal(1, await Mark("a", first, now.AddSeconds(6)));

        Assert.Null(await Take("b", now.AddSeconds(10))); // a's lease still runs
        Assert.NotNull(await Take("b", now.AddSeconds(21)));
        Assert.Equal(0, await Mark("a", first, now.AddSeconds(22)));
        Assert.Equal(now.AddSeconds(6), (await Row()).ReleasedUntil);

        Assert.NotNull(await Take("a", now.AddSeconds(40))); // back to a, in a new epoch
        var again = (await Row()).LeaseEpoch;
        Assert.Equal(first + 2, again);
        Assert.Equal(0, await Mark("a", first, now.AddSeconds(41)));
        Assert.Equal(1, await Mark("a", again, now.AddSeconds(41)));
        Assert.Equal(now.AddSeconds(41), (await Row()).ReleasedUntil);
    }

    /// <summary>
    /// Two processes started together on a new database: the other registers the number between
    /// this one's read of its row (none yet) and its update, and this one's update takes it.
    /// Kabar must see the number as taken from nobody, so that its dispatcher starts the lease's
    /// departure mark; when it was handed its own row back, the number looked held already and
    /// every pass failed (a deployment check's second instance logged 131 errors in 2 minutes
    /// while its notices stayed queued).
    /// </summary>
    [Fact]
    public async Task ANumberRegisteredByAnotherProcessBetweenTheReadAndTheTake_IsTakenFromNobody()
    {
        var id = "900000000000042";
        var now = app.Time.GetUtcNow().UtcDateTime;
        await using var scope = app.Services.CreateAsyncScope();
        var registered = new RegisterBeforeTheTake(() => app.WithDbAsync(d =>
        {
            d.SenderNumbers.Add(new SenderNumber { PhoneNumberId = id });
            return d.SaveChangesAsync();
        }));
        await using var d = db == Db.Sqlite
            ? (Kabar.Data.KabarDbContext)new Kabar.Data.SqliteKabarDbContext(new DbContextOptionsBuilder<Kabar.Data.SqliteKabarDbContext>(
                scope.ServiceProvider.GetRequiredService<DbContextOptions<Kabar.Data.SqliteKabarDbContext>>()).AddInterceptors(registered).Options)
            : new Kabar.Data.PostgresKabarDbContext(new DbContextOptionsBuilder<Kabar.Data.PostgresKabarDbContext>(
                scope.ServiceProvider.GetRequiredService<DbContextOptions<Kabar.Data.PostgresKabarDbContext>>()).AddInterceptors(registered).Options);

        var before = await QueueStore.HoldSenderAsync(d, id, "me", now, TimeSpan.FromSeconds(15), CancellationToken.None);

        Assert.True(registered.Done);
        Assert.NotNull(before);
        Assert.Null(before.LeaseHolder);
        Assert.Equal("me", await app.WithDbAsync(x => x.SenderNumbers.Where(s => s.PhoneNumberId == id).Select(s => s.LeaseHolder).SingleAsync()));
    }

    /// <summary>Runs <paramref name="register"/> once, just before the first update of a number's row.</summary>
    private sealed class RegisterBeforeTheTake(Func<Task<int>> register) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public bool Done { get; private set; }

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Done && command.CommandText.StartsWith("UPDATE \"SenderNumbers\"", StringComparison.Ordinal))
            {
                Done = true;
                await register();
            }

            return result;
        }
    }
}

public sealed class QueueClaimTests_Sqlite(PostgresServer postgres) : QueueClaimTests(Db.Sqlite, postgres);

public sealed class QueueClaimTests_Postgres(PostgresServer postgres) : QueueClaimTests(Db.Postgres, postgres);
