using Kabar.Auth;
using Kabar.Common;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Kabar.Admin;

/// <summary>
/// <c>GET /api/stats?from=&amp;to=</c>: the dashboard's figures (SPEC §10) for a period; by default,
/// like the dashboard, the 30 office days ending today (to now).
/// </summary>
public static class StatsApi
{
    public static readonly TimeSpan LongestPeriod = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", GetAsync).WithTags("Stats").RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The dashboard's figures for a period (?from=&to=): opt-in, window usage, fallback, delivery, cost")
            .WithDescription("By default the 30 office days ending today. Each rate is { numerator, denominator, value }, "
                + "value null when the denominator is 0; the definitions are those of the contract's metrics section.")
            .Answers(Problems.Validation("to", "The period may be at most 366 days."));
        return app;
    }

    private static async Task<Results<Ok<Stats>, ProblemHttpResult>> GetAsync(DateTime? from, DateTime? to, StatsService stats,
        TimeProvider time, IOptions<PolicyOptions> policy, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        var (start, end, problem) = Period(from, to, time.GetUtcNow().UtcDateTime, zone);
        return problem ?? (Results<Ok<Stats>, ProblemHttpResult>)TypedResults.Ok(await stats.ComputeAsync(start, end, ct));
    }

    /// <summary>The period asked for, checked: <c>from</c> before <c>to</c>, at most a year apart.</summary>
    public static (DateTime From, DateTime To, ProblemHttpResult? Problem) Period(DateTime? from, DateTime? to, DateTime now, TimeZoneInfo zone)
    {
        var end = to?.ToUniversalTime() ?? now;
        // Whole office days by default: the same period as the dashboard's, and past days come
        // whole from the daily rollup instead of a ragged first day counted row by row.
        var start = from?.ToUniversalTime()
            ?? StatsService.StartOf(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(end.AddTicks(-1), zone)).AddDays(-29), zone);
        var errors = new FieldErrors();
        if (start >= end)
        {
            errors.Add("from", "Must be before 'to' (ISO 8601, for example 2026-11-01T00:00:00Z).");
        }
        else if (end - start > LongestPeriod)
        {
            errors.Add("to", "The period may be at most 366 days.");
        }

        return (start, end, errors.Any ? errors.ToProblem() : null);
    }
}
