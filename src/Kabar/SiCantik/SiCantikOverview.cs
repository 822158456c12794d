using System.Text.Json;
using Kabar.Data;
using Kabar.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Kabar.SiCantik;

/// <summary>What the console's SiCantik page shows: the connector, its last and next sync, the last report, and the applications without a usable phone.</summary>
public sealed record SiCantikOverview(
    string? BaseUrl,
    DateTime? BackfilledAt,
    JobRun? LastRun,
    DateTime? NextRunAt,
    SiCantikReport? LastReport,
    int WithoutPhone,
    IReadOnlyList<SiCantikApplication> WithoutPhoneShown)
{
    /// <summary>The most applications without a phone the page lists (the count covers them all).</summary>
    public const int Shown = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The job whose runs are the syncs.</summary>
    public static string JobName => SiCantikSync.JobName;

    public static async Task<SiCantikOverview> LoadAsync(IServiceProvider services, KabarDbContext db, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(db);
        var client = services.GetRequiredService<SiCantikClient>();
        var registry = services.GetRequiredService<JobRegistry>();
        var runner = services.GetRequiredService<JobRunner>();
        var state = await db.SiCantikSyncStates.AsNoTracking().FirstOrDefaultAsync(ct);
        var lastRun = await db.JobRuns.AsNoTracking().Where(r => r.Job == JobName).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
        var jobState = await db.JobStates.AsNoTracking().FirstOrDefaultAsync(s => s.Name == JobName, ct);
        var job = registry.Find(JobName)!;
        var withoutPhone = db.SiCantikApplications.AsNoTracking().Where(a => a.PhoneProblem != null);
        return new SiCantikOverview(
            client.BaseUrl,
            state?.BackfilledAt,
            lastRun,
            client.BaseUrl is null ? null : runner.NextOccurrence(job, jobState?.LastOccurrence ?? now),
            state?.LastReportJson is { } json ? JsonSerializer.Deserialize<SiCantikReport>(json, Json) : null,
            await withoutPhone.CountAsync(ct),
            await withoutPhone.OrderBy(a => a.RegistrationId).Take(Shown).ToListAsync(ct));
    }
}
