using System.Net;
using System.Text;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>CSV import of existing permits (SPEC §9): good rows go in whole, bad rows are reported by line and column.</summary>
public sealed class PermitImportTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private const string Csv = """
        external_ref,permit_number,permit_type,status,holder_phone,holder_name,holder_email,issued_on,expires_on,renewal_of
        IMP-1,503/1,Izin Usaha,issued,0812-7777-9001,Siti,siti@example.id,2022-01-10,2027-01-10,
        IMP-2,503/2,Izin Usaha,approved,0812-7777-9002,Budi,,2022-01-10,2027-01-10,
        IMP-3,503/3,Izin Usaha,issued,12345,Ani,,2022-01-10,10-01-2027,
        IMP-1,503/1b,Izin Usaha,issued,0812-7777-9001,Siti,,2022-01-10,2027-01-10,
        IMP-4,503/4,Izin Usaha,issued,0812-7777-9001,"Siti, S.E.",,2026-11-20,2031-11-20,IMP-1
        IMP-5,503/5,Izin Usaha,issued,0812-7777-9005,Dewi,,2022-01-10,2027-02-01,IMP-NOWHERE
        IMP-6,503/6,Reklame,issued,0812-7777-9006,Made,,2022-01-10,2027-01-10,
        """;

    private async Task<JsonElement> ImportAsync(string csv, string query = "")
    {
        using var api = app.Api();
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await api.PostAsync("/api/imports/permits" + query, content);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    [Fact]
    public async Task Import_ReportsEachBadRowByLineAndColumn_GoodRowsGoIn_WithoutNotices()
    {
        var dry = await ImportAsync(Csv, "?dryRun=true");
        Assert.Equal((7, 3, 4, true), (dry.GetProperty("rows").GetInt32(), dry.GetProperty("created").GetInt32(), dry.GetProperty("rejected").GetInt32(), dry.GetProperty("dryRun").GetBoolean()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Permits.CountAsync()));

        var report = await ImportAsync(Csv);
        Assert.Equal((7, 3, 0, 4), (report.GetProperty("rows").GetInt32(), report.GetProperty("created").GetInt32(),
            report.GetProperty("updated").GetInt32(), report.GetProperty("rejected").GetInt32()));
        var errors = report.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString())).ToList();
        Assert.Equal([(3, "status"), (4, "holder_phone"), (4, "expires_on"), (5, "external_ref"), (7, "renewal_of")], errors);
        Assert.Contains("line 2", report.GetProperty("errors")[3].GetProperty("reason").GetString());

        // Whole rows only: the rejected rows left no contact behind; IMP-4 renews IMP-1.
        Assert.Equal(2, await app.WithDbAsync(d => d.Contacts.CountAsync()));
        var renewed = await app.WithDbAsync(d => d.Permits.SingleAsync(p => p.ExternalRef == "IMP-1"));
        Assert.NotNull(renewed.RenewedById);
        Assert.Equal("Siti, S.E.", await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == "+6281277779001").Select(c => c.Name).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Notifications.CountAsync()));

        // The imported backlog gets its expiry reminders; the renewed permit does not.
        Assert.Equal(1, (await app.RunJobAsync("expiry-reminders")).GetProperty("created").GetInt32());
        var reminder = await app.WithDbAsync(d => d.Notifications.SingleAsync());
        Assert.Equal((await app.WithDbAsync(d => d.Permits.SingleAsync(p => p.ExternalRef == "IMP-6"))).Id, reminder.PermitId);

        // The same file again changes nothing new.
        var again = await ImportAsync(Csv);
        Assert.Equal((0, 3), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32()));
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task Import_WithoutTheRequiredColumns_NamesThem()
    {
        var report = await ImportAsync("ref,type\nA,B\n");
        var columns = report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("column").GetString()).ToList();
        Assert.Equal(["external_ref", "permit_type", "status", "holder_phone"], columns);
        Assert.Equal(0, report.GetProperty("created").GetInt32());
    }

    /// <summary><c>kabar import permits FILE</c> and <c>kabar job run NAME</c> as an operator runs them.</summary>
    [Fact]
    public async Task Cli_ImportsPermitsAndRunsAJob()
    {
        var connection = app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Kabar")!;

        // The command line runs on the real clock: a permit 20 days from expiry is due its 30-day reminder.
        var expires = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(20);
        var file = Path.Combine(Path.GetTempPath(), $"kabar-permits-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"""
            external_ref,permit_type,status,holder_phone,expires_on
            CLI-1,Izin Usaha,issued,081277779101,{expires:yyyy-MM-dd}
            CLI-2,Izin Usaha,granted,081277779102,{expires:yyyy-MM-dd}
            """, TestContext.Current.CancellationToken);
        try
        {
            var import = await KabarCliRunner.RunAsync(Db.Sqlite, connection, "import", "permits", file);
            Assert.True(import.Code == 1, import.ToString());
            Assert.Contains("line 3, column status", import.Stdout);
            Assert.Contains("Imported 1 new", import.Stdout);

            var job = await KabarCliRunner.RunAsync(Db.Sqlite, connection, "job", "run", "expiry-reminders");
            Assert.True(job.Code == 0, job.ToString());
            Assert.Contains("created 1", job.Stdout);
            Assert.Equal("manual", await app.WithDbAsync(d => d.JobRuns.Select(r => r.Trigger).SingleAsync()));

            var unknown = await KabarCliRunner.RunAsync(Db.Sqlite, connection, "job", "run", "nope");
            Assert.True(unknown.Code == 2, unknown.ToString());
            Assert.Contains("template-sync", unknown.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
