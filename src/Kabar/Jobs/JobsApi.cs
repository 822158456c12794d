using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Jobs;

/// <summary><c>POST /api/jobs/{name}/run</c> (SPEC §13) and <c>GET /api/jobs</c> (schedules and recent runs).</summary>
public static class JobsApi
{
    /// <summary>One run of a job as the API reports it.</summary>
    public sealed record JobRunResponse(Guid Id, string Job, string Trigger, DateTime? ScheduledFor, DateTime StartedAt,
        long DurationMs, int Created, string Outcome, string? Detail);

    /// <summary>A job, its schedule and its latest run.</summary>
    public sealed record JobResponse(string Name, string Cron, DateTime? NextRunAt, string? LeaseHolder, DateTime? LeaseUntil,
        IReadOnlyList<JobRunResponse> RecentRuns);

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/{name}/run", Run).WithTags("Jobs").RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Run a scheduled job now");
        app.MapGet("/api/jobs", List).WithTags("Jobs").RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The scheduled jobs: schedules, next run, lease and recent runs");
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
}
