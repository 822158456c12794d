using System.Text.Json;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.SiCantik;

/// <summary>
/// The <c>sicantik-sync</c> job (docs/sicantik.md): reads the issued and in-process lists page by
/// page to their end, reads the detail of what is new or changed in them and of the steps and
/// expiries that are due, and applies each application as a permit through the same code path
/// as <c>POST /api/permits</c>. Until one sync has read both lists to the end it is a backfill and
/// sends no notices. A sync that fails halfway has written only whole applications; the next one
/// carries on.
/// </summary>
internal sealed partial class SiCantikSync(
    IServiceScopeFactory scopes,
    SiCantikClient client,
    SiCantikApplier applier,
    NotificationWriter writer,
    IOptions<SiCantikOptions> options,
    ILogger<SiCantikSync> logger)
{
    public const string JobName = "sicantik-sync";
    public const string Issued = "listpermohonanterbit";
    public const string InProcess = "listpermohonanproses";

    /// <summary>After this many failed detail requests in a row the server is taken to be down and the sync stops.</summary>
    private const int FailuresInARow = 3;

    /// <summary>Due re-reads one sync makes at most: five minutes of requests at the configured rate; the rest wait for the next sync.</summary>
    private int MaxRefreshes => Math.Max(1, (int)(options.Value.RequestsPerSecond * 300));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The job: a sync whose lists could not be read to the end is a failed run, with the reason in words.</summary>
    public async Task<Jobs.JobOutcome> RunJobAsync(DateTime now, CancellationToken ct)
    {
        if (client.BaseUrl is null)
        {
            return new Jobs.JobOutcome(0, "off: Kabar:SiCantik:BaseUrl is empty");
        }

        var report = await RunAsync(now, ct);
        return report.Complete
            ? new Jobs.JobOutcome(report.NoticesCreated, report.Summary())
            : throw new SiCantikSyncException(report.Summary());
    }

    public async Task<SiCantikReport> RunAsync(DateTime now, CancellationToken ct)
    {
        var report = new SiCantikReport();
        if (client.BaseUrl is null)
        {
            report.Errors.Add("The SiCantik connector is off: Kabar:SiCantik:BaseUrl is empty.");
            return report;
        }

        Dictionary<string, SiCantikApplication> known;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            report.Backfill = await db.SiCantikSyncStates.AsNoTracking().AnyAsync(s => s.BackfilledAt != null, ct) is false;
            known = await db.SiCantikApplications.AsNoTracking().ToDictionaryAsync(a => a.RegistrationId, StringComparer.Ordinal, ct);
        }

        var seen = new Dictionary<string, ListedApplication>(StringComparer.Ordinal);
        report.Complete = await ReadListAsync(Issued, seen, report, ct) & await ReadListAsync(InProcess, seen, report, ct);
        var work = Plan(seen, known, now, report);
        if (!await ApplyAllAsync(work, report, now, ct))
        {
            report.Complete = false;
        }

        await SaveStateAsync(report, now, ct);
        if (report.NoticesCreated > 0)
        {
            writer.Wake();
        }

        LogSynced(report.Summary());
        return report;
    }

    /// <summary>One list to its end (a 404, or a page shorter than asked); false when it could not be read to the end.</summary>
    private async Task<bool> ReadListAsync(string list, Dictionary<string, ListedApplication> seen, SiCantikReport report, CancellationToken ct)
    {
        var size = options.Value.PageSize;
        var offset = 0;
        var offsetText = "0";
        while (true)
        {
            var answer = await client.ListPageAsync(list, size, offsetText, ct);
            report.Pages++;
            switch (answer.Kind)
            {
                case SiCantikAnswerKind.NoData:
                    return true;
                case SiCantikAnswerKind.Refused when offsetText == "0":
                    // The published API checks its parameters with PHP's !$value, which refuses the
                    // text "0"; "00" is the same number to MySQL and passes.
                    report.Notes.Add($"SiCantik refuses offset 0 (HTTP 400); the first page of {ListName(list)} was read with offset 00");
                    offsetText = "00";
                    continue;
                case SiCantikAnswerKind.Refused or SiCantikAnswerKind.Failed:
                    report.Errors.Add($"{ListName(list)} could not be read past row {offset}: {answer.Problem}");
                    return false;
            }

            var fresh = 0;
            foreach (var row in answer.Rows)
            {
                if (row.GetValueOrDefault("pendaftaran_id")?.Trim() is not { Length: > 0 } id)
                {
                    continue;
                }

                // An application issued while the lists were read shows in both: issued wins.
                if (seen.TryAdd(id, ListedApplication.From(id, list == Issued ? ListedApplication.IssuedList : ListedApplication.InProcessList, row)))
                {
                    fresh++;
                }
            }

            if (answer.Rows.Count < size)
            {
                return true;
            }

            if (fresh == 0)
            {
                report.Errors.Add($"{ListName(list)}: the page at offset {offset} held only applications already read; SiCantik seems to ignore the offset, so the list was not read further.");
                return false;
            }

            offset += size;
            offsetText = offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>What needs its detail read: new or changed in a list, or a step or expiry that is due.</summary>
    private List<(ListedApplication Listed, SiCantikApplication? Before)> Plan(Dictionary<string, ListedApplication> seen,
        Dictionary<string, SiCantikApplication> known, DateTime now, SiCantikReport report)
    {
        var work = new List<(ListedApplication, SiCantikApplication?)>();
        var due = new List<(ListedApplication Listed, SiCantikApplication Before)>();
        foreach (var listed in seen.Values)
        {
            var before = known.GetValueOrDefault(listed.RegistrationId);
            if (before is null || before.Fingerprint != listed.Fingerprint)
            {
                work.Add((listed, before));
            }
            else if (before.DetailDueAt is { } at && at <= now)
            {
                due.Add((listed, before));
            }
            else
            {
                report.Unchanged++;
            }
        }

        var refreshed = due.OrderBy(d => d.Before.DetailDueAt).Take(MaxRefreshes).ToList();
        report.Unchanged += due.Count - refreshed.Count;
        work.AddRange(refreshed.Select(d => (d.Listed, (SiCantikApplication?)d.Before)));
        return work;
    }

    /// <summary>Reads each detail and applies the applications in batches; false when the server stopped answering.</summary>
    private async Task<bool> ApplyAllAsync(List<(ListedApplication Listed, SiCantikApplication? Before)> work, SiCantikReport report,
        DateTime now, CancellationToken ct)
    {
        var batch = new List<SiCantikRead>();
        var failures = 0;
        for (var i = 0; i < work.Count; i++)
        {
            var (listed, before) = work[i];
            var read = await applier.ReadAsync(listed, before, report, ct);
            if (read is null && report.Backfill && before is null)
            {
                // Kept, so that reading it later, after the backfill, does not announce its past.
                batch.Add(new SiCantikRead(listed, null, listed.Applicant, new TypedPhones.Reading(null, 0, null), PermitStatus.InReview,
                    null, null, false, null, null)
                { Placeholder = true });
            }

            failures = read is null ? failures + 1 : 0;
            if (read is not null)
            {
                batch.Add(read);
            }

            if (failures >= FailuresInARow)
            {
                report.Errors.Add($"SiCantik stopped answering; {work.Count - i - 1} applications wait for the next sync.");
                await applier.SaveAsync(batch, report, now, ct);
                return false;
            }

            if (batch.Count >= options.Value.PageSize)
            {
                await applier.SaveAsync(batch, report, now, ct);
                batch.Clear();
            }
        }

        await applier.SaveAsync(batch, report, now, ct);
        return true;
    }

    private async Task SaveStateAsync(SiCantikReport report, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var state = await db.SiCantikSyncStates.FirstOrDefaultAsync(ct);
        if (state is null)
        {
            state = new SiCantikSyncState();
            db.SiCantikSyncStates.Add(state);
        }

        if (report.Complete)
        {
            // Both lists were read to the end: everything in them is recorded, or kept to be read
            // quietly (a placeholder), so from now on a change is news.
            state.BackfilledAt ??= now;
        }

        report.PhonesMissing = await db.SiCantikApplications.CountAsync(a => a.PhoneProblem != null, ct);
        foreach (var step in await db.SiCantikApplications.Where(a => a.StepUnmapped && a.List == ListedApplication.InProcessList)
                     .Select(a => new { a.StepId, a.StepName }).Distinct().ToListAsync(ct))
        {
            report.UnmappedSteps[step.StepId ?? ""] = step.StepName ?? "";
        }

        state.LastSyncAt = now;
        state.LastReportJson = JsonSerializer.Serialize(report, Json);
        await db.SaveChangesAsync(ct);
    }

    public static string ListName(string list) => list == Issued ? "the issued list (listpermohonanterbit)" : "the in-process list (listpermohonanproses)";

    [LoggerMessage(Level = LogLevel.Information, Message = "SiCantik sync: {Summary}")]
    private partial void LogSynced(string summary);
}
