using System.Net;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Data;

/// <summary>
/// The jobs that walk a table in batches (<c>retention</c>, <c>expiry-reminders</c>) take each
/// batch in a stated order, so EF Core logs no warning that a <c>Take</c> without an order "may
/// lead to unpredictable results": an operator reading Kabar's log takes a warning for a fault.
/// </summary>
public sealed class BatchQueryWarningTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite, "retention")]
    [InlineData(Db.Postgres, "retention")]
    [InlineData(Db.Sqlite, "expiry-reminders")]
    [InlineData(Db.Postgres, "expiry-reminders")]
    public async Task BatchedJob_Runs_WithoutAQueryWarningInTheLog(Db db, string job)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, new() { ["Kabar:Privacy:MessageBodyRetention"] = "30.00:00:00" });

        using var api = app.Api();
        using var run = await api.PostAsync($"/api/jobs/{job}/run", null);
        await Http.AssertStatusAsync(run, HttpStatusCode.OK);
        Assert.Equal("succeeded", (await KabarApp.ReadAsync<JsonElement>(run)).GetProperty("outcome").GetString());

        Assert.DoesNotContain(app.Logs.Lines, line => line.StartsWith("Warning Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }
}
