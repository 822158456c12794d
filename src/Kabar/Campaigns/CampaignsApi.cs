using System.Security.Claims;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Experiments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Campaigns;

/// <summary>
/// <c>/api/campaigns</c> and <c>/api/experiments</c> (SPEC §8): create, list, read with progress or
/// analysis, and start, pause, resume or complete a campaign.
/// </summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/api/campaigns").WithTags("Campaigns");
        campaigns.MapPost("", Create).RequireAuthorization(ApiAuth.WritePolicy);
        campaigns.MapGet("", List).RequireAuthorization(ApiAuth.ReadPolicy);
        campaigns.MapGet("/{id:guid}", Get).RequireAuthorization(ApiAuth.ReadPolicy);
        foreach (var action in new[] { "start", "pause", "resume", "complete" })
        {
            campaigns.MapPost($"/{{id:guid}}/{action}", (Guid id, KabarDbContext db, CampaignService service, CampaignReports reports,
                ILoggerFactory logs, ClaimsPrincipal user, CancellationToken ct) => Move(id, action, db, service, reports, logs, user, ct))
                .RequireAuthorization(ApiAuth.WritePolicy);
        }

        var experiments = app.MapGroup("/api/experiments").WithTags("Experiments");
        experiments.MapPost("", CreateExperiment).RequireAuthorization(ApiAuth.WritePolicy);
        experiments.MapGet("", ListExperiments).RequireAuthorization(ApiAuth.ReadPolicy);
        experiments.MapGet("/{id:guid}", GetExperiment).RequireAuthorization(ApiAuth.ReadPolicy);
        return app;
    }

    private static string Caller(ClaimsPrincipal user) => $"api:{user.FindFirstValue(ClaimTypes.Name) ?? "key"}";

    private static async Task<Results<Created<CampaignResponse>, ProblemHttpResult>> Create(CampaignRequest request, ClaimsPrincipal user,
        KabarDbContext db, CampaignService service, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var campaign = await service.CreateAsync(db, request, Caller(user), errors, ct);
        if (campaign is null)
        {
            return errors.ToProblem();
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", CampaignReports.Response(campaign, null));
    }

    private static async Task<Ok<CampaignList>> List(KabarDbContext db, CancellationToken ct)
    {
        var rows = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(new CampaignList(rows.Select(c => CampaignReports.Response(c, null)).ToList()));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Get(Guid id, KabarDbContext db, CampaignReports reports,
        CancellationToken ct) =>
        await reports.ReadAsync(db, id, ct) is { } response ? TypedResults.Ok(response) : Problems.NotFound($"No campaign has id {id}.");

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Move(Guid id, string action, KabarDbContext db,
        CampaignService service, CampaignReports reports, ILoggerFactory logs, ClaimsPrincipal user, CancellationToken ct)
    {
        var moved = await service.MoveAsync(db, id, action, ct);
        if (moved is null)
        {
            return Problems.NotFound($"No campaign has id {id}.");
        }

        var response = (await reports.ReadAsync(db, id, ct))!;
        if (moved == false)
        {
            return Problems.Conflict($"A {response.State} campaign cannot {action}: start a draft, pause a running one, resume a paused one; a completed one stays completed.");
        }

        logs.CreateLogger("Kabar.Campaigns").LogInformation("Campaign {CampaignId}: {Action} by {Caller}", id, action, Caller(user));
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Created<ExperimentResponse>, ProblemHttpResult>> CreateExperiment(ExperimentRequest request,
        ClaimsPrincipal user, KabarDbContext db, ExperimentService service, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var experiment = service.Create(db, request, Caller(user), errors);
        if (experiment is null)
        {
            return errors.ToProblem();
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/experiments/{experiment.Id}", (await service.ReadAsync(db, experiment.Id, "en", ct))!);
    }

    private static async Task<Ok<ExperimentList>> ListExperiments(KabarDbContext db, CancellationToken ct)
    {
        var rows = await db.Experiments.AsNoTracking().OrderByDescending(e => e.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(new ExperimentList(rows.Select(ExperimentService.Summary).ToList()));
    }

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> GetExperiment(Guid id, string? lang, KabarDbContext db,
        ExperimentService service, CancellationToken ct) =>
        await service.ReadAsync(db, id, lang == "en" ? "en" : "id", ct) is { } response
            ? TypedResults.Ok(response)
            : Problems.NotFound($"No experiment has id {id}.");
}
