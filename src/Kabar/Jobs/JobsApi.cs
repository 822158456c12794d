using System.Text.Json.Nodes;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;

namespace Kabar.Jobs;

/// <summary><c>POST /api/jobs/{name}/run</c> (SPEC §13) and <c>GET /api/jobs</c> (schedules and recent runs).</summary>
public static class JobsApi
{
    /// <summary>One run of a job as the API reports it.</summary>
    /// <param name="Id">The run's id.</param>
    /// <param name="Job">The job's name.</param>
    /// <param name="Trigger">What started it: <c>schedule</c>, <c>catch-up</c> after downtime, or <c>manual</c> (API or command line).</param>
    /// <param name="ScheduledFor">The scheduled time it ran for (UTC); null for a manual run.</param>
    /// <param name="StartedAt">When it started (UTC).</param>
    /// <param name="DurationMs">How long it took, in milliseconds.</param>
    /// <param name="Created">How many things it created (notifications, templates…).</param>
    /// <param name="Outcome"><c>succeeded</c> or <c>failed</c>.</param>
    /// <param name="Detail">A one-line summary, or the error.</param>
    public sealed record JobRunResponse(Guid Id, string Job, string Trigger, DateTime? ScheduledFor, DateTime StartedAt,
        long DurationMs, int Created, string Outcome, string? Detail);

    /// <summary>A job, its schedule and its latest run.</summary>
    /// <param name="Name">The job's name, as <c>POST /api/jobs/{name}/run</c> takes it.</param>
    /// <param name="Cron">Its schedule (cron, in the office's time zone; Kabar:Jobs:Cron:NAME overrides it).</param>
    /// <param name="NextRunAt">The next scheduled run (UTC).</param>
    /// <param name="LeaseHolder">The process running it now, if any.</param>
    /// <param name="LeaseUntil">Until when that process holds it (UTC).</param>
    /// <param name="RecentRuns">The latest runs, newest first.</param>
    public sealed record JobResponse(string Name, string Cron, DateTime? NextRunAt, string? LeaseHolder, DateTime? LeaseUntil,
        IReadOnlyList<JobRunResponse> RecentRuns);

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/{name}/run", Run).WithTags("Jobs").RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Run a scheduled job now")
            .WithDescription("The same as `kabar job run NAME`. A job holds a lease, so a run already going in another process answers 409.")
            .Answers(Problems.NotFound($"No job is named 'reminders'. Jobs: {app.ServiceProvider.GetRequiredService<JobRegistry>().Names}."),
                Problems.Conflict("Job 'expiry-reminders' is running in another process right now; try again when it has finished."))
            .AddOpenApiOperationTransformer(ListJobNames);
        app.MapGet("/api/jobs", List).WithTags("Jobs").RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The scheduled jobs: schedules, next run, lease and recent runs");
        return app;
    }

    /// <summary>The <c>name</c> parameter as the list of the jobs this Kabar runs, each with its schedule.</summary>
    private static Task ListJobNames(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var registry = context.ApplicationServices.GetRequiredService<JobRegistry>();
        if (operation.Parameters?.FirstOrDefault(p => p.Name == "name") is OpenApiParameter { Schema: OpenApiSchema schema } name)
        {
            schema.Enum = registry.All.Select(j => (JsonNode)JsonValue.Create(j.Name)).ToList();
            name.Description = "The job to run:\n\n" + string.Join('\n', registry.All.Select(j => $"- `{j.Name}` (schedule `{registry.CronText(j)}`)"));
        }

        return Task.CompletedTask;
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
