using System.Security.Claims;
using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Experiments;
using Kabar.Operations;
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
        campaigns.MapPost("", Create).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Create an opt-in campaign (a draft): who to ask for WhatsApp consent, on which channel, how many a day")
            .WithDescription("A campaign sends opt-in requests by SMS or e-mail to a segment of existing contacts, throttled by its daily cap, "
                + "never twice to one person inside the cooldown. Start it with POST /api/campaigns/{id}/start.")
            .Answers(Problems.Validation("channel", "Use 'sms', 'email' or 'both'."));
        campaigns.MapGet("", List).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The opt-in campaigns, newest first (up to 500)");
        campaigns.MapGet("/{id:guid}", Get).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("A campaign: its segment, channel, state and progress")
            .Answers(Problems.NotFound($"No campaign has id {ProblemAnswers.SampleId}."));
        foreach (var action in new[] { "start", "pause", "resume", "complete" })
        {
            campaigns.MapPost($"/{{id:guid}}/{action}", (Guid id, KabarDbContext db, CampaignService service, CampaignReports reports,
                ILoggerFactory logs, ClaimsPrincipal user, CancellationToken ct) => Move(id, action, db, service, reports, logs, user, ct))
                .RequireAuthorization(ApiAuth.WritePolicy)
                .WithSummary(MoveSummary(action))
                .Answers(Problems.NotFound($"No campaign has id {ProblemAnswers.SampleId}."),
                    Problems.Conflict($"A completed campaign cannot {action}: start a draft, pause a running one, resume a paused one; a completed one stays completed."));
        }

        var experiments = app.MapGroup("/api/experiments").WithTags("Experiments");
        experiments.MapPost("", CreateExperiment).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Create an A/B test between opt-in request texts, with weights per variant")
            .WithDescription("Assignment is deterministic per contact; a conversion is a consent granted within the attribution window.")
            .Answers(Problems.Validation("attributionDays", "Give an attribution window between 1 and 90 days (default 14)."));
        experiments.MapGet("", ListExperiments).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("The experiments, newest first (up to 500)");
        experiments.MapGet("/{id:guid}", GetExperiment).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("An experiment's results: per variant sent, converted and rate with its 95 % interval, and whether a winner is established")
            .Answers(Problems.NotFound($"No experiment has id {ProblemAnswers.SampleId}."));
        return app;
    }

    private static string MoveSummary(string action) => action switch
    {
        "start" => "Start a draft campaign: its opt-in requests begin to go out",
        "pause" => "Pause a running campaign; nothing more is sent until it resumes",
        "resume" => "Resume a paused campaign where it stopped",
        _ => "Complete a campaign: it sends nothing more and keeps its results",
    };

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
