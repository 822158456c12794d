using System.Text.Json;
using Kabar.Permits;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Connector = Kabar.SiCantik;

namespace Kabar.Tests.SiCantik;

/// <summary>
/// The <c>sicantik-sync</c> job against the SiCantik simulator over real HTTP (docs/sicantik.md):
/// the backfill, notices for what changes after it, faults of the server, and what a sync costs.
/// </summary>
public sealed class SiCantikSyncTests(PostgresServer postgres) : IAsyncLifetime
{
    private WebApplication simulatorHost = null!;
    private KabarApp? app;

    private SiCantikSimulator Sim => simulatorHost.Services.GetRequiredService<SiCantikSimulator>();

    public async ValueTask InitializeAsync() => simulatorHost = await SimulatorHost.StartAsync(new Dictionary<string, string?>
    {
        ["Kabar:Simulator:SiCantik:Issued"] = "0",
        ["Kabar:Simulator:SiCantik:InProcess"] = "0",
    });

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await simulatorHost.DisposeAsync();
    }

    private async Task<KabarApp> StartKabarAsync(Db db = Db.Sqlite, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Kabar:SiCantik:BaseUrl"] = simulatorHost.Urls.First() + "/backoffice/api";
        settings.TryAdd("Kabar:SiCantik:RequestsPerSecond", "1000");
        app = await KabarApp.StartAsync(db, postgres, settings);
        return app;
    }

    /// <summary><c>POST /api/jobs/sicantik-sync/run</c>: the run's outcome and summary (a failed run answers 500 with it as the detail).</summary>
    private async Task<Run> SyncAsync()
    {
        using var api = app!.Api();
        // "Run now" answers when the run ends: a backfill of thousands of applications on a busy
        // two-core machine can take longer than HttpClient's default 100 s.
        api.Timeout = TimeSpan.FromMinutes(5);
        using var response = await api.PostAsync($"/api/jobs/{Connector.SiCantikSync.JobName}/run", null);
        var body = await KabarApp.ReadAsync<JsonElement>(response);
        return response.IsSuccessStatusCode
            ? new Run(body.GetProperty("outcome").GetString()!, body.GetProperty("detail").GetString() ?? "")
            : new Run($"failed ({(int)response.StatusCode})", body.GetProperty("detail").GetString() ?? "");
    }

    private sealed record Run(string Outcome, string Detail);

    private static string Outcome(Run run) => run.Outcome;

    private static string Detail(Run run) => run.Detail;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Backfill_RecordsEveryPermit_AndSendsNoNotice(Db db)
    {
        Sim.Seed(issued: 8, inProcess: 5, seed: 3);
        var known = Sim.Add(name: "Sentosa Br Ginting", phone: "0812-3456-7001", permitType: "IZIN REKLAME");
        var kabar = await StartKabarAsync(db);

        var run = await SyncAsync();

        Assert.Equal("succeeded", Outcome(run));
        Assert.StartsWith("backfill (no notices)", Detail(run));
        var (permits, rows, notices) = await kabar.WithDbAsync(async d => (
            await d.Permits.AsNoTracking().ToListAsync(),
            await d.SiCantikApplications.AsNoTracking().ToListAsync(),
            await d.Notifications.CountAsync()));
        Assert.Equal(0, notices);
        Assert.Equal(Sim.Applications().Count, rows.Count);
        Assert.Equal(rows.Count(r => r.PhoneProblem is null), permits.Count);
        foreach (var issued in Sim.Applications().Where(a => a.Issued))
        {
            var row = rows.Single(r => r.RegistrationId == issued.PendaftaranId);
            if (row.PermitId is { } id)
            {
                var permit = permits.Single(p => p.Id == id);
                Assert.Equal(PermitStatus.Issued, permit.Status);
                Assert.Equal(issued.NoSurat, permit.PermitNumber);
            }
        }

        var mine = permits.Single(p => p.ExternalRef == known.PendaftaranId);
        Assert.Equal(PermitStatus.InReview, mine.Status);
        Assert.Equal("IZIN REKLAME", mine.PermitType);
        Assert.Equal(known.PendaftaranId, mine.RegistrationId);
        var holder = await kabar.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Id == mine.HolderContactId));
        Assert.Equal("+6281234567001", holder.Phone);
        Assert.Equal("Sentosa Br Ginting", holder.Name);
    }

    [Fact]
    public async Task ApplicationIssuedBetweenSyncs_GivesExactlyOnePermitReady_AndAReplayedSyncNothing()
    {
        Sim.Seed(issued: 3, inProcess: 2, seed: 4);
        var application = Sim.Add(name: "Rasmi Br Tarigan", phone: "+62 812 3456 7002", permitType: "SURAT IZIN USAHA PERDAGANGAN (SIUP)");
        var kabar = await StartKabarAsync();
        await SyncAsync();

        Sim.Issue(application.PendaftaranId, expires: new DateOnly(2031, 12, 1));
        var second = await SyncAsync();
        var replay = await SyncAsync();

        Assert.Equal("succeeded", Outcome(second));
        Assert.StartsWith("sync; ", Detail(second));
        Assert.Contains("0 new, 1 changed", Detail(second));
        Assert.Contains("0 new, 0 changed", Detail(replay));
        var permit = await kabar.WithDbAsync(d => d.Permits.AsNoTracking().SingleAsync(p => p.ExternalRef == application.PendaftaranId));
        Assert.Equal(PermitStatus.Issued, permit.Status);
        Assert.Equal(new DateOnly(2031, 12, 1), permit.ExpiresOn);
        var notices = await kabar.PermitNotificationsAsync(permit.Id);
        Assert.Equal([PermitNotices.Ready], notices.Select(n => n.Type));
        Assert.Equal(1, await kabar.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task MappedStepChange_GivesOneStatusUpdate_AnUnmappedStepIsReported()
    {
        Sim.Seed(issued: 0, inProcess: 0, seed: 5);
        var application = Sim.Add(name: "Josua Sembiring", phone: "0813 1111 2222", permitType: "PERSETUJUAN BANGUNAN GEDUNG (PBG)");
        var kabar = await StartKabarAsync(settings: new()
        {
            ["Kabar:SiCantik:StepStatus:9"] = "rejected",
            ["Kabar:SiCantik:StepRefresh"] = "00:00:00",
        });
        var backfill = await SyncAsync();
        Assert.Contains($"unmapped steps: {application.StepId} ({application.StepName})", Detail(backfill));

        Sim.Reject(application.PendaftaranId);
        var changed = await SyncAsync();
        var again = await SyncAsync();

        Assert.Contains("1 changed", Detail(changed));
        Assert.DoesNotContain("unmapped steps", Detail(changed));
        Assert.Contains("0 changed", Detail(again));
        var permit = await kabar.WithDbAsync(d => d.Permits.AsNoTracking().SingleAsync(p => p.ExternalRef == application.PendaftaranId));
        Assert.Equal(PermitStatus.Rejected, permit.Status);
        var notices = await kabar.PermitNotificationsAsync(permit.Id);
        Assert.Equal([PermitNotices.StatusUpdate], notices.Select(n => n.Type));
    }

    [Fact]
    public async Task XmlOnlyServer_IsReadTheSame_NamesWithAccentsIncluded()
    {
        Sim.Seed(issued: 4, inProcess: 3, seed: 6);
        var application = Sim.Add(name: "René Ginting", phone: "081234567003", permitType: "IZIN GANGGUAN USAHA (HO)");
        Sim.Faults = new SiCantikFaults(XmlOnly: true);
        var kabar = await StartKabarAsync();

        var run = await SyncAsync();

        Assert.Equal("succeeded", Outcome(run));
        var permit = await kabar.WithDbAsync(d => d.Permits.AsNoTracking().SingleAsync(p => p.ExternalRef == application.PendaftaranId));
        var holder = await kabar.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Id == permit.HolderContactId));
        Assert.Equal("René Ginting", holder.Name);
        Assert.Equal(Sim.Applications().Count, await kabar.WithDbAsync(d => d.SiCantikApplications.CountAsync()));
    }

    [Fact]
    public async Task ServerErrorMidList_FailsTheRunInWords_WritesWholeApplications_AndTheNextSyncCarriesOn()
    {
        Sim.Seed(issued: 120, inProcess: 10, seed: 7);
        Sim.Faults = new SiCantikFaults(Fail500: new SiCantikFail500("listpermohonanterbit", AfterRequests: 1, Count: 1));
        var kabar = await StartKabarAsync();

        var failed = await SyncAsync();

        Assert.Equal("failed (500)", Outcome(failed));
        Assert.Contains("the issued list (listpermohonanterbit) could not be read past row 50", Detail(failed));
        Assert.Contains("server error (HTTP 500)", Detail(failed));
        var afterFailure = await kabar.WithDbAsync(d => d.SiCantikApplications.AsNoTracking().ToListAsync());
        Assert.Equal(50 + 10, afterFailure.Count); // the first page of the issued list and the whole in-process list
        Assert.All(afterFailure.Where(r => r.PhoneProblem is null), r => Assert.NotNull(r.PermitId));

        Sim.ClearFaults();
        var recovered = await SyncAsync();

        Assert.Equal("succeeded", Outcome(recovered));
        Assert.StartsWith("backfill (no notices)", Detail(recovered));
        Assert.Contains("70 new, 0 changed, 60 unchanged", Detail(recovered));
        Assert.Equal(130, await kabar.WithDbAsync(d => d.SiCantikApplications.CountAsync()));
        Assert.Equal(0, await kabar.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task DetailThatFailsDuringTheBackfill_IsReadLater_WithoutAnnouncingItsPast()
    {
        Sim.Seed(issued: 0, inProcess: 0, seed: 12);
        var application = Sim.Add(name: "Ganda Sitepu", phone: "0812-7777-1201", permitType: "IZIN REKLAME");
        Sim.Issue(application.PendaftaranId, expires: new DateOnly(2030, 6, 30));
        Sim.Faults = new SiCantikFaults(Fail500: new SiCantikFail500("cekperizinan", AfterRequests: 0, Count: 1));
        var kabar = await StartKabarAsync();

        var backfill = await SyncAsync();
        Sim.ClearFaults();
        var next = await SyncAsync();

        Assert.Equal("succeeded", Outcome(backfill));
        Assert.Contains("server error (HTTP 500)", Detail(backfill));
        Assert.StartsWith("sync; ", Detail(next));
        var permit = await kabar.WithDbAsync(d => d.Permits.AsNoTracking().SingleAsync(p => p.ExternalRef == application.PendaftaranId));
        Assert.Equal(PermitStatus.Issued, permit.Status);
        Assert.Equal(new DateOnly(2030, 6, 30), permit.ExpiresOn);
        Assert.Equal(0, await kabar.WithDbAsync(d => d.Notifications.CountAsync())); // issued before Kabar first looked: no permit_ready
    }

    [Fact]
    public async Task ServerThatDoesNotAnswerInTime_FailsTheRunInWords_AndWritesNothing()
    {
        Sim.Seed(issued: 5, inProcess: 5, seed: 13);
        Sim.Faults = new SiCantikFaults(SlowMs: 2500);
        var kabar = await StartKabarAsync(settings: new() { ["Kabar:SiCantik:Timeout"] = "00:00:01" });

        var run = await SyncAsync();

        Assert.Equal("failed (500)", Outcome(run));
        Assert.Contains("the issued list (listpermohonanterbit) could not be read past row 0: SiCantik did not answer listpermohonanterbit within 1 s", Detail(run));
        Assert.Contains("the in-process list (listpermohonanproses) could not be read past row 0", Detail(run));
        Assert.Equal(0, await kabar.WithDbAsync(d => d.SiCantikApplications.CountAsync()));
        Assert.Null(await kabar.WithDbAsync(d => d.SiCantikSyncStates.Select(s => s.BackfilledAt).FirstOrDefaultAsync()));
    }

    [Fact]
    public async Task ServerThatRefusesOffsetZero_IsReadFromOffset00_AndTheReportSaysSo()
    {
        Sim.Seed(issued: 5, inProcess: 5, seed: 8);
        Sim.Faults = new SiCantikFaults(OffsetZero: true);
        var kabar = await StartKabarAsync();

        var run = await SyncAsync();

        Assert.Equal("succeeded", Outcome(run));
        Assert.Contains("SiCantik refuses offset 0 (HTTP 400); the first page of the issued list (listpermohonanterbit) was read with offset 00", Detail(run));
        Assert.Equal(10, await kabar.WithDbAsync(d => d.SiCantikApplications.CountAsync()));
    }

    [Fact]
    public async Task CommandLine_JobRun_SyncsLikeTheSchedule()
    {
        Sim.Seed(issued: 3, inProcess: 2, seed: 11);
        var kabar = await StartKabarAsync();

        var run = await KabarCliRunner.RunAsync(kabar.Db, kabar.ConnectionString, new Dictionary<string, string>
        {
            ["Kabar__SiCantik__BaseUrl"] = simulatorHost.Urls.First() + "/backoffice/api",
            ["Kabar__SiCantik__RequestsPerSecond"] = "1000",
        }, "job", "run", Connector.SiCantikSync.JobName);

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("backfill (no notices)", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(Sim.Applications().Count, await kabar.WithDbAsync(d => d.SiCantikApplications.CountAsync()));
    }

    [Fact]
    public async Task Requests_NeverExceedTheConfiguredRate()
    {
        Sim.Seed(issued: 40, inProcess: 10, seed: 9);
        // The simulator's first answers are slower (its code is compiled on first use), which would
        // bunch the next arrivals up behind them: it answers each endpoint once before counting.
        using (var warm = new HttpClient { BaseAddress = new Uri(simulatorHost.Urls.First()) })
        {
            var issued = Sim.Applications().First(a => a.Issued);
            foreach (var path in new[] { "listpermohonanterbit/limit/5/offset/5", "cekperizinan?no_izin=" + Uri.EscapeDataString(issued.NoIzin!),
                         "permohonan2?pendaftaran=" + Sim.Applications().First(a => !a.Issued).PendaftaranId })
            {
                using var response = await warm.GetAsync("/backoffice/api/" + path);
            }
        }

        Sim.Seed(issued: 40, inProcess: 10, seed: 9);
        var kabar = await StartKabarAsync(settings: new() { ["Kabar:SiCantik:RequestsPerSecond"] = "20" });

        var run = await SyncAsync();

        Assert.Equal("succeeded", Outcome(run));
        var stats = Sim.Stats();
        Assert.True(stats.Requests >= 50, $"{stats.Requests} requests");
        Assert.InRange(stats.MaxPerSecond, 15, 20); // the setting, less the pacing's margin of 10 %
    }

    [Fact]
    public async Task TenThousandIssued_OnePercentNew_CostsPagesAndTheNew_ThenPagesOnly()
    {
        Sim.Seed(issued: 10_000, inProcess: 200, seed: 10);
        var kabar = await StartKabarAsync(settings: new()
        {
            ["Kabar:SiCantik:RequestsPerSecond"] = "1000",
            ["Kabar:SiCantik:StepRefresh"] = "1.00:00:00",
        });
        Assert.Equal("succeeded", Outcome(await SyncAsync()));

        for (var i = 0; i < 102; i++)
        {
            Sim.Add();
        }

        var before = Sim.Stats().Requests;
        var incremental = await SyncAsync();
        var incrementalRequests = Sim.Stats().Requests - before;
        before = Sim.Stats().Requests;
        var quiet = await SyncAsync();
        var quietRequests = Sim.Stats().Requests - before;

        // Pages: 10,000 issued at 50 a page and the 404 after them; 302 in process on 7 pages.
        const int pages = 201 + 7;
        Assert.Contains($"sync; {pages} pages, 102 detail requests", Detail(incremental));
        Assert.Contains("102 new, 0 changed, 10200 unchanged", Detail(incremental));
        Assert.InRange(incrementalRequests, pages, pages + (2 * 102));
        Assert.Equal(pages + 102, incrementalRequests);
        Assert.Contains($"sync; {pages} pages, 0 detail requests", Detail(quiet));
        Assert.Equal(pages, quietRequests);
    }
}
