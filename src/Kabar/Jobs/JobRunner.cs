using Kabar.Data;
using Kabar.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Jobs;

/// <summary>
/// Runs named jobs under a database lease, so that across every process on one database only
/// one runs a given job at a time, and records each run. Scheduled occurrences missed while
/// Kabar was down are caught up with one run at the next check (at start).
/// </summary>
public sealed partial class JobRunner(IServiceScopeFactory scopes, JobRegistry registry, TimeProvider time, WorkCalendar calendar,
    IOptions<JobsOptions> options, IHostApplicationLifetime lifetime, ILogger<JobRunner> logger)
{
    // The lease keeps other processes out; this keeps a second caller in this process (the
    // scheduler and an API request at once) from running the same job beside the first.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> running = new(StringComparer.Ordinal);

    /// <summary>This runner's name on the lease rows.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Runs every job whose scheduled occurrence has come and not yet run here or elsewhere.</summary>
    public async Task<IReadOnlyList<JobRun>> RunDueAsync(CancellationToken ct)
    {
        var runs = new List<JobRun>();
        foreach (var job in registry.All)
        {
            if (await RunIfDueAsync(job, ct) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    /// <summary>Runs a job now (API, CLI). Null when another process is running it.</summary>
    public async Task<JobRun?> RunNowAsync(JobDefinition job, CancellationToken ct)
    {
        var turn = running.GetOrAdd(job.Name, _ => new SemaphoreSlim(1, 1));
        if (!await turn.WaitAsync(0, ct))
        {
            return null;
        }

        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (await HoldAsync(job.Name, now, ct) is null)
            {
                return null;
            }

            try
            {
                return await ExecuteAsync(job, "manual", null, ct);
            }
            finally
            {
                await ReleaseAsync(job.Name, ct);
            }
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<JobRun?> RunIfDueAsync(JobDefinition job, CancellationToken ct)
    {
        var turn = running.GetOrAdd(job.Name, _ => new SemaphoreSlim(1, 1));
        if (!await turn.WaitAsync(0, ct))
        {
            return null;
        }

        try
        {
            return await RunIfDueHeldAsync(job, ct);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<JobRun?> RunIfDueHeldAsync(JobDefinition job, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var state = await HoldAsync(job.Name, now, ct);
        if (state is null)
        {
            return null;
        }

        try
        {
            var (occurrence, missed) = DueOccurrence(job, state.LastOccurrence, now);
            if (occurrence is null)
            {
                return null;
            }

            var run = await ExecuteAsync(job, missed ? "catch-up" : "schedule", occurrence, ct);

            // Recorded even when the run failed: the jobs are idempotent scans, the next
            // occurrence picks up what this one did not finish.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KabarDbContext>().JobStates.Where(s => s.Name == job.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastOccurrence, occurrence), ct);
            return run;
        }
        finally
        {
            await ReleaseAsync(job.Name, ct);
        }
    }

    /// <summary>
    /// The newest occurrence at or before <paramref name="now"/> that has not run, and whether it
    /// is a catch-up (older than one poll: Kabar was down or busy when it came). A job never run
    /// here runs at once.
    /// </summary>
    public (DateTime? Occurrence, bool Missed) DueOccurrence(JobDefinition job, DateTime? last, DateTime now)
    {
        if (last is null)
        {
            return (now, false);
        }

        var cron = registry.Cron(job);
        var next = cron.GetNextOccurrence(DateTime.SpecifyKind(last.Value, DateTimeKind.Utc), calendar.Zone);
        if (next is null || next > now)
        {
            return (null, false);
        }

        var latest = next.Value;
        foreach (var occurrence in cron.GetOccurrences(next.Value, now, calendar.Zone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
        }

        return (latest, latest != next.Value || now - latest > options.Value.PollInterval * 2);
    }

    /// <summary>When the job runs next by its schedule.</summary>
    public DateTime? NextOccurrence(JobDefinition job, DateTime after) =>
        registry.Cron(job).GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc), calendar.Zone);

    private async Task<JobRun> ExecuteAsync(JobDefinition job, string trigger, DateTime? occurrence, CancellationToken ct)
    {
        var started = time.GetUtcNow().UtcDateTime;
        var clock = time.GetTimestamp();
        var run = new JobRun { Id = Guid.CreateVersion7(), Job = job.Name, Trigger = trigger, ScheduledFor = occurrence, StartedAt = started, Holder = Holder };
        try
        {
            await using var work = scopes.CreateAsyncScope();
            var outcome = await job.Run(work.ServiceProvider, started, ct);
            run.Created = outcome.Created;
            run.Outcome = "succeeded";
            run.Detail = Cut(outcome.Summary);
            LogRan(logger, job.Name, trigger, outcome.Created, outcome.Summary);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            run.Outcome = "failed";
            run.Detail = Cut(Common.Pii.MaskText(ex.GetBaseException().Message));
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Kabar is stopping: the web server may already be gone from under a job that
                // reads this process's own simulator. The run is recorded as failed; it is not an
                // error for the operator, and the next start catches it up.
                LogCutShort(logger, job.Name, trigger, run.Detail);
            }
            else
            {
                LogFailed(logger, ex, job.Name, trigger);
            }
        }

        run.DurationMs = (long)time.GetElapsedTime(clock).TotalMilliseconds;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    private static string Cut(string s) => s.Length > 1000 ? s[..1000] : s;

    /// <summary>Takes or renews the job's lease; returns the job's state as read after taking it, or null when another process holds it.</summary>
    private async Task<JobState?> HoldAsync(string name, DateTime now, CancellationToken ct)
    {
        var until = now + options.Value.Lease;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var held = await db.JobStates
                .Where(s => s.Name == name && (s.LeaseHolder == Holder || s.LeaseUntil == null || s.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseHolder, Holder).SetProperty(x => x.LeaseUntil, until), ct);
            if (held == 1)
            {
                // Read after taking the lease: a runner that just finished has recorded its occurrence.
                return await db.JobStates.AsNoTracking().SingleAsync(s => s.Name == name, ct);
            }

            if (await db.JobStates.AnyAsync(s => s.Name == name, ct))
            {
                return null;
            }

            db.JobStates.Add(new JobState { Name = name });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                // Another process registered the job first.
            }
        }

        return null;
    }

    private async Task ReleaseAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KabarDbContext>().JobStates
            .Where(s => s.Name == name && s.LeaseHolder == Holder)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, now), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} ({Trigger}) created {Created}: {Summary}")]
    private static partial void LogRan(ILogger logger, string job, string trigger, int created, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} ({Trigger}) failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string job, string trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} ({Trigger}) was cut short while Kabar stopped: {Detail}")]
    private static partial void LogCutShort(ILogger logger, string job, string trigger, string detail);
}
