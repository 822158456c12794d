using Kabar.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kabar.Health;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (database reachable, migrations applied).</summary>
public static class HealthApi
{
    public static IHostApplicationBuilder AddKabarHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteLivenessAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    /// <summary><c>{ "status": "Healthy", "version": "1.0.0+3f8fa10" }</c>: which release answers, for the operator after an upgrade.</summary>
    private static Task WriteLivenessAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new Liveness(report.Status.ToString(), Common.KabarHost.Version));

    private sealed record Liveness(string Status, string Version);

    private sealed class DatabaseReadyCheck(KabarDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                if (!await db.Database.CanConnectAsync(ct))
                {
                    return HealthCheckResult.Unhealthy("The database cannot be reached.");
                }

                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                return pending == 0
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"{pending} migration(s) are not applied; run 'kabar migrate'.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The database check failed.", ex);
            }
        }
    }
}
