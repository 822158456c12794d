using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Notifications;

/// <summary>
/// <c>POST /api/jobs/{name}/run</c> (SPEC §13), <c>GET /api/jobs</c> (schedules and recent runs) and the business numbers' dispatch state:
/// <c>GET /api/whatsapp/numbers</c>, <c>POST /api/whatsapp/numbers/{id}/resume</c> after an operator
/// fixed an account-level problem.
/// </summary>
internal static class JobsApi
{
    /// <summary>One run of a job as the API reports it.</summary>
    public sealed record JobRunResponse(Guid Id, string Job, string Trigger, DateTime? ScheduledFor, DateTime StartedAt,
        long DurationMs, int Created, string Outcome, string? Detail);

    /// <summary>A job, its schedule and its latest run.</summary>
    public sealed record JobResponse(string Name, string Cron, DateTime? NextRunAt, string? LeaseHolder, DateTime? LeaseUntil,
        IReadOnlyList<JobRunResponse> RecentRuns);

    public sealed record NumberState(string PhoneNumberId, string? DisplayPhoneNumber, int MessagesPerSecond,
        bool Paused, DateTime? PausedAt, int? PauseCode, string? PauseReason, string? LeaseHolder, DateTime? LeaseUntil);

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/{name}/run", Run).WithTags("Jobs").RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Run a scheduled job now");
        app.MapGet("/api/jobs", List).WithTags("Jobs").RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The scheduled jobs: schedules, next run, lease and recent runs");
        var numbers = app.MapGroup("/api/whatsapp/numbers").WithTags("WhatsApp");
        numbers.MapGet("/", ListNumbers).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("Business numbers with their rate, limit and any pause");
        numbers.MapPost("/{phoneNumberId}/resume", Resume).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Resume a paused business number");
        return app;
    }

    private static async Task<Results<Ok<JobRunResponse>, ProblemHttpResult>> Run(string name, JobRegistry registry, JobRunner runner,
        CancellationToken ct)
    {
        if (registry.Find(name) is not { } job)
        {
            return Problems.NotFound($"No job is named '{name}'. Jobs: {registry.Names}.");
        }

        var run = await runner.RunNowAsync(job, ct);
        if (run is null)
        {
            return Problems.Conflict($"Job '{name}' is running in another process right now; try again when it has finished.");
        }

        return run.Outcome == "succeeded"
            ? TypedResults.Ok(run.ToResponse())
            : TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"Job '{name}' failed", detail: run.Detail);
    }

    private static async Task<Ok<List<JobResponse>>> List(JobRegistry registry, JobRunner runner, KabarDbContext db, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var states = await db.JobStates.AsNoTracking().ToDictionaryAsync(s => s.Name, ct);
        var result = new List<JobResponse>();
        foreach (var job in registry.All)
        {
            var runs = await db.JobRuns.AsNoTracking().Where(r => r.Job == job.Name).OrderByDescending(r => r.StartedAt).Take(10).ToListAsync(ct);
            var state = states.GetValueOrDefault(job.Name);
            result.Add(new JobResponse(job.Name, registry.CronText(job), runner.NextOccurrence(job, state?.LastOccurrence ?? now),
                state?.LeaseHolder, state?.LeaseUntil, runs.Select(r => r.ToResponse()).ToList()));
        }

        return TypedResults.Ok(result);
    }

    private static JobRunResponse ToResponse(this JobRun r) =>
        new(r.Id, r.Job, r.Trigger, r.ScheduledFor, r.StartedAt, r.DurationMs, r.Created, r.Outcome, r.Detail);

    private static async Task<Ok<List<NumberState>>> ListNumbers(KabarDbContext db,
        Microsoft.Extensions.Options.IOptions<WhatsAppOptions> options, CancellationToken ct)
    {
        var rows = await db.SenderNumbers.AsNoTracking().ToDictionaryAsync(s => s.PhoneNumberId, ct);
        return TypedResults.Ok(options.Value.EffectiveNumbers.Select(n =>
        {
            var row = rows.GetValueOrDefault(n.PhoneNumberId);
            return new NumberState(n.PhoneNumberId, n.DisplayPhoneNumber, n.MessagesPerSecond, row?.PausedAt is not null,
                row?.PausedAt, row?.PauseCode, row?.PauseReason, row?.LeaseHolder, row?.LeaseUntil);
        }).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Resume(string phoneNumberId, KabarDbContext db,
        DispatchSignal signal, TimeProvider time, CancellationToken ct) =>
        await ResumeNumberAsync(db, signal, time, phoneNumberId, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No business number {phoneNumberId} has dispatched yet.");

    /// <summary>Lifts a number's pause; what waited for it goes now. False when the number never dispatched.</summary>
    public static async Task<bool> ResumeNumberAsync(KabarDbContext db, DispatchSignal signal, TimeProvider time, string phoneNumberId, CancellationToken ct)
    {
        var resumed = await db.SenderNumbers.Where(s => s.PhoneNumberId == phoneNumberId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.PausedAt, (DateTime?)null).SetProperty(x => x.PauseCode, (int?)null)
                .SetProperty(x => x.PauseReason, (string?)null), ct);
        if (resumed == 0)
        {
            return false;
        }

        await db.Notifications.Where(n => n.PhoneNumberId == phoneNumberId && n.State == NotificationState.Queued && n.LockedUntil == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DueAt, time.GetUtcNow().UtcDateTime).SetProperty(n => n.Version, n => n.Version + 1), ct);
        signal.Wake();
        return true;
    }
}
