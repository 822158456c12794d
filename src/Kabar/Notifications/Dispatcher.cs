using System.Collections.Concurrent;
using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>What one dispatch pass did; <see cref="Sending"/> completes once its sends are answered and recorded.</summary>
internal sealed record DispatchPass(int Claimed, int Sent, DateTime? NextFree)
{
    public static readonly DispatchPass NotHolder = new(0, 0, null);

    public Task Sending { get; init; } = Task.CompletedTask;
}

/// <summary>
/// One pass per business number: holds the number's sending lease, claims as many due
/// notifications as the number may send now, has them planned (<see cref="DispatchPlanner"/>),
/// sent (<see cref="DispatchSender"/>) and their answers recorded (<see cref="DispatchRecorder"/>) (SPEC §6).
/// Keeps what this process knows of each number: its rate, its providers' outages, its warm-up.
/// </summary>
internal sealed partial class Dispatcher(
    IServiceScopeFactory scopes,
    WriteGate gate,
    IOptions<NotificationOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    DispatchPlanner planner,
    DispatchSender dispatchSender,
    DispatchRecorder recorder,
    MessageComposer composer,
    CrashPoints crash,
    TimeProvider time,
    ILogger<Dispatcher> logger)
{
    private readonly ConcurrentDictionary<string, SendLimiter> limiters = new();
    private readonly ConcurrentDictionary<string, DepartureMark> marks = new();
    private readonly ConcurrentDictionary<string, Takeover> takeovers = new();
    private readonly ConcurrentDictionary<string, DateTime> notBefore = new();
    private readonly OutageBreakers breakers = new(() => options.Value);
    private readonly ConcurrentDictionary<string, DateTime> lastSweep = new();

    /// <summary>How often a pass renews its number's lease and sweeps for overdue deliveries.</summary>
    private static readonly TimeSpan SenderRenewEvery = TimeSpan.FromSeconds(1);

    /// <summary>A number taken over from <paramref name="Previous"/>, whose departure mark was <paramref name="Released"/>.</summary>
    private sealed record Takeover(string Previous, DateTime LeaseUntil, DateTime? Released);

    /// <summary>This process's name in leases.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private NotificationOptions O => options.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private SendLimiter LimiterFor(WhatsAppNumberOptions number) =>
        limiters.GetOrAdd(number.PhoneNumberId, _ => new SendLimiter(number.MessagesPerSecond, O.ArrivalSpread));

    /// <summary>A mark written only in <paramref name="epoch"/>, the lease this process took the number in.</summary>
    private DepartureMark NewMark(string phoneNumberId, int epoch) =>
        new((until, ct) => WriteMarkAsync(phoneNumberId, epoch, until, ct), O.DepartureMarkLead);

    /// <summary>Writes the number's departure mark while this process holds the number in <paramref name="epoch"/>; false when it does not, or the write failed.</summary>
    private async Task<bool> WriteMarkAsync(string phoneNumberId, int epoch, DateTime until, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            int written;
            using (await gate.EnterFirstAsync(ct))
            {
                written = await QueueStore.MarkReleasedAsync(db, phoneNumberId, Holder, epoch, until, ct);
            }

            if (written == 0)
            {
                LogMarkLost(phoneNumberId);
            }

            return written == 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogMarkFailed(ex, phoneNumberId);
            return false;
        }
    }

    /// <summary>One pass for one business number, its answers recorded; never waits for time to pass.</summary>
    public async Task<DispatchPass> RunOnceAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        var pass = await StartPassAsync(number, ct);
        if (pass.Sent == 0)
        {
            return pass;
        }

        await pass.Sending;
        return pass with { NextFree = LimiterFor(number).NextFree(Now), Sending = Task.CompletedTask };
    }

    /// <summary>
    /// Claims, plans and starts one pass's sends, and returns once they are on their way: the
    /// answers come back a round trip later, and meanwhile the next pass can prepare the sends
    /// of the slots that free up (<see cref="DispatchPass.Sending"/> completes once they are recorded).
    /// </summary>
    public async Task<DispatchPass> StartPassAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        await composer.EnsureReadyAsync(ct);
        var now = Now;
        var limiter = LimiterFor(number);
        if (limiter.PreparedUntil(now) is { } prepared && prepared - now > O.SendLookahead / 2)
        {
            // The sends prepared already leave over more than half the look-ahead. A pass now
            // would claim only the few slots freed since the last one and pay a pass's database
            // work for each few. It starts with half the look-ahead left: time to prepare the
            // next sends before these run out (docs/pipeline.md, "Limits").
            return new DispatchPass(0, 0, prepared - (O.SendLookahead / 2));
        }

        // The mark is taken before the row is read: an account-level error met by a pass still
        // under way is not in the row yet, and this read must not lift its pause.
        var breaker = breakers.For(Channel.WhatsApp, number.PhoneNumberId);
        var mark = breaker.ResumeMark();
        var sender = await HoldAsync(number, now, ct);
        if (sender is null)
        {
            return DispatchPass.NotHolder;
        }

        if (sender.PausedAt is null)
        {
            breaker.Resumed(mark);
        }

        // The departure mark of the lease this pass is planned under: should this process lose
        // the number and take it back meanwhile, a later lease's mark does not cover these sends.
        var departures = marks[number.PhoneNumberId];

        var (claimed, plans) = await ClaimAndPlanAsync(number, sender, limiter, breaker, now, ct);
        if (plans is null)
        {
            return new DispatchPass(0, 0, limiter.NextFree(now));
        }

        crash.Hit(CrashPoints.AfterClaim);
        if (plans.Count == 0)
        {
            return new DispatchPass(claimed, 0, limiter.NextFree(Now));
        }

        var sending = SendAndRecordAsync(plans, limiter, departures, ct);
        return new DispatchPass(claimed, plans.Count, limiter.NextFree(Now)) { Sending = sending };
    }

    private async Task SendAndRecordAsync(List<PlannedSend> plans, SendLimiter limiter, DepartureMark mark, CancellationToken ct)
    {
        var results = await dispatchSender.SendAllAsync(plans, limiter, mark, ct);
        try
        {
            await recorder.RecordAsync(results, ct);
        }
        finally
        {
            // Written to the number's row, or lost with the pass: either way a later read of the
            // row decides, and if the account is still locked its next answer pauses it again.
            foreach (var paused in results.Where(DispatchSender.PausesNumber))
            {
                paused.Plan.Breaker.PauseRecorded();
            }
        }

        crash.Hit(CrashPoints.AfterCommit);
    }

    /// <summary>The number's row when this process holds its sending lease, else null; renews the lease and sweeps when due.</summary>
    private async Task<SenderNumber?> HoldAsync(WhatsAppNumberOptions number, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        // The number's row is read every pass (a pause set elsewhere must stop this pass); the
        // lease is written only when it is due for renewal and the sweep runs once a second:
        // on SQLite each write takes the one writer's turn, which sending needs.
        var sender = await db.SenderNumbers.AsNoTracking().FirstOrDefaultAsync(s => s.PhoneNumberId == number.PhoneNumberId, ct);
        var renew = sender is not { LeaseUntil: { } until } || sender.LeaseHolder != Holder
            || until - now < O.SenderLease - SenderRenewEvery;
        var sweep = !lastSweep.TryGetValue(number.PhoneNumberId, out var swept) || now - swept >= SenderRenewEvery;
        var taking = takeovers.TryGetValue(number.PhoneNumberId, out var takeover);
        if (renew || sweep || taking)
        {
            using (await gate.EnterAsync(ct))
            {
                if (renew)
                {
                    sender = await QueueStore.HoldSenderAsync(db, number.PhoneNumberId, Holder, now, O.SenderLease, ct);
                    if (sender is null)
                    {
                        return null;
                    }

                    if (sender.LeaseHolder != Holder && await TookAsync(db, number.PhoneNumberId, sender, ct) is { } took)
                    {
                        (takeover, taking) = (took, true);
                    }
                }

                if (taking)
                {
                    // The previous holder (killed, or shut down): its sends reserved past its
                    // departure mark never left and go again now; its other claims are freed
                    // rather than waiting out their lease. Until both are done, each pass tries again.
                    var unsent = await ResendNeverLeftAsync(scope.ServiceProvider, db, number.PhoneNumberId, takeover!, now, ct);
                    var freed = await QueueStore.FreeClaimsAsync(db, number.PhoneNumberId, takeover!.Previous, ct);
                    takeovers.TryRemove(number.PhoneNumberId, out _);
                    LogTakenOver(number.PhoneNumberId, takeover.Previous, takeover.LeaseUntil, freed, unsent);
                }

                if (sweep)
                {
                    await QueueStore.SweepOverdueAsync(db, number.PhoneNumberId, now, ct);
                    lastSweep[number.PhoneNumberId] = now;
                }
            }
        }

        return sender;
    }

    /// <summary>
    /// This process has just taken the number (<paramref name="before"/>: its row before), in a new
    /// epoch: starts the epoch's departure mark, and when another process held the number, waits
    /// a window past that lease and returns the takeover's work still to do.
    /// </summary>
    private async Task<Takeover?> TookAsync(KabarDbContext db, string phoneNumberId, SenderNumber before, CancellationToken ct)
    {
        // Read after the take, when nobody else can move the mark.
        var taken = await db.SenderNumbers.AsNoTracking().Where(s => s.PhoneNumberId == phoneNumberId)
            .Select(s => new { s.LeaseEpoch, s.ReleasedUntil }).FirstAsync(ct);
        marks[phoneNumberId] = NewMark(phoneNumberId, taken.LeaseEpoch);
        if (before is not { LeaseHolder: { } gone, LeaseUntil: { } goneUntil })
        {
            return null;
        }

        // From another process: its last sends are not in this process's limiter, so wait a
        // window past the end of its lease. What this process once knew of the provider is
        // stale; it learns afresh.
        notBefore[phoneNumberId] = goneUntil + TimeSpan.FromSeconds(1) + O.ArrivalSpread;
        breakers.For(Channel.WhatsApp, phoneNumberId).Reset();
        var takeover = new Takeover(gone, goneUntil, taken.ReleasedUntil);
        takeovers[phoneNumberId] = takeover;
        return takeover;
    }

    /// <summary>
    /// The previous holder's pending WhatsApp sends reserved past its departure mark, read after
    /// this process took the number: that holder can no longer write the mark, and it wrote the
    /// mark past every send before the send left. Those never left: they are recorded as such and
    /// queued again in their place (<see cref="NotificationFlow.NeverLeft"/>). The others may have
    /// left and wait for a status. Returns how many never left.
    /// </summary>
    private static async Task<int> ResendNeverLeftAsync(IServiceProvider services, KabarDbContext db, string phoneNumberId, Takeover takeover,
        DateTime now, CancellationToken ct)
    {
        var (gone, _, released) = takeover;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var notices = await db.Notifications.Where(n => n.PhoneNumberId == phoneNumberId && n.State == NotificationState.Sending
                    && n.LockedBy == gone && n.CurrentAttemptId != null).ToListAsync(ct);
                var attemptIds = notices.Select(n => n.CurrentAttemptId!.Value).ToList();
                var unsent = await db.DeliveryAttempts.Where(a => EF.Parameter(attemptIds).Contains(a.Id) && a.Status == AttemptStatus.Pending
                        && a.Channel == Channel.WhatsApp && a.LeavesAt != null && (released == null || a.LeavesAt > released))
                    .ToDictionaryAsync(a => a.Id, ct);
                var flow = services.GetRequiredService<NotificationFlow>();
                foreach (var n in notices)
                {
                    if (unsent.TryGetValue(n.CurrentAttemptId!.Value, out var a))
                    {
                        flow.NeverLeft(n, a, n.DueAt, now); // in its place in the queue
                    }
                }

                await db.SaveChangesAsync(ct);
                return unsent.Count;
            }
            catch (Exception ex) when (attempt < 3 && ex.IsRetryableConflict())
            {
                // The previous holder, only stalled, recorded an answer meanwhile: read again.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Claims and plans what the number may send now; no plans (null) when nothing was claimed.</summary>
    private async Task<(int Claimed, List<PlannedSend>? Plans)> ClaimAndPlanAsync(WhatsAppNumberOptions number, SenderNumber sender,
        SendLimiter limiter, OutageBreaker breaker, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        // Claim no more than the number may send now: a claim that must be handed back
        // costs two writes and sends nothing.
        var room = Math.Min(O.BatchSize, limiter.Available(now, now + O.SendLookahead));
        if (breaker.WantsProbe(now))
        {
            // The provider was down and the pause is over: one send finds out whether it is back.
            room = Math.Min(room, 1);
        }
        if (room == 0)
        {
            return (0, null);
        }

        List<Guid> ids;
        using (await gate.EnterAsync(ct))
        {
            ids = await QueueStore.ClaimAsync(db, number.PhoneNumberId, now, room, now + O.ClaimLease, Holder, ct);
        }

        if (ids.Count == 0)
        {
            return (0, null);
        }

        crash.Hit(CrashPoints.BeforePlan);

        // WhatsApp waits while the number is paused (checked again each poll) or warming up.
        // While paused, look again in a minute; resuming wakes the queue at once.
        DateTime? whatsAppClosedUntil = sender.PausedAt is not null ? now + TimeSpan.FromMinutes(1)
            : notBefore.TryGetValue(number.PhoneNumberId, out var nb) && nb > now ? nb : null;
        try
        {
            return (ids.Count, await planner.PlanAsync(scope.ServiceProvider, db, ids, Holder, number, limiter, breakers,
                whatsAppClosedUntil, now, ct));
        }
        catch (Exception ex) when (ex.IsRetryableConflict())
        {
            // Another writer changed one of these notices while the pass decided (a late status
            // of an earlier try): nothing was written, and the next pass takes them up again.
            await using var again = scopes.CreateAsyncScope();
            using (await gate.EnterAsync(ct))
            {
                await QueueStore.UnclaimAsync(again.ServiceProvider.GetRequiredService<KabarDbContext>(), ids, Holder, ct);
            }

            throw;
        }
    }

    /// <summary>
    /// Hands notifications of business numbers no longer configured (the sandbox number after
    /// going live, a removed number) to the first configured one, so none is stranded.
    /// </summary>
    public async Task<int> AdoptOrphansAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        return await QueueStore.AdoptOrphansAsync(db, whatsApp.Value.EffectiveNumbers.Select(n => n.PhoneNumberId).ToList(), ct);
    }

    /// <summary>Gives up this process's sending leases (on shutdown).</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        foreach (var number in whatsApp.Value.EffectiveNumbers)
        {
            await QueueStore.ReleaseSenderAsync(db, number.PhoneNumberId, Holder, Now, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took business number {PhoneNumberId} over from {Previous}, whose lease ended at {LeaseUntil:o}; {Freed} of its claims freed, {Unsent} of its WhatsApp sends had not left and go again now")]
    private partial void LogTakenOver(string phoneNumberId, string previous, DateTime leaseUntil, int freed, int unsent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Business number {PhoneNumberId} is no longer this process's: its sends that had not left stay unsent and go with the new holder")]
    private partial void LogMarkLost(string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the departure mark of business number {PhoneNumberId} failed: its sends that had not left are queued again")]
    private partial void LogMarkFailed(Exception ex, string phoneNumberId);
}
