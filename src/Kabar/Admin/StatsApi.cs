using Kabar.Auth;
using Kabar.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Admin;

/// <summary><c>GET /api/stats?from=&amp;to=</c>: the dashboard's figures (SPEC §10) for a period, default the last 30 days.</summary>
internal static class StatsApi
{
    public static readonly TimeSpan LongestPeriod = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", GetAsync).WithTags("Stats").RequireAuthorization(ApiAuth.ReadPolicy);
        return app;
    }

    private static async Task<Results<Ok<Stats>, ProblemHttpResult>> GetAsync(DateTime? from, DateTime? to, StatsService stats,
        TimeProvider time, CancellationToken ct)
    {
        var (start, end, problem) = Period(from, to, time.GetUtcNow().UtcDateTime);
        return problem ?? (Results<Ok<Stats>, ProblemHttpResult>)TypedResults.Ok(await stats.ComputeAsync(start, end, ct));
    }

    /// <summary>The period asked for, checked: <c>from</c> before <c>to</c>, at most a year apart.</summary>
    public static (DateTime From, DateTime To, ProblemHttpResult? Problem) Period(DateTime? from, DateTime? to, DateTime now)
    {
        var end = to?.ToUniversalTime() ?? now;
        var start = from?.ToUniversalTime() ?? end.AddDays(-30);
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
