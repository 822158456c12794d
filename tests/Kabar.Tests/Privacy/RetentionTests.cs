using System.Net;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Privacy;

/// <summary>The <c>retention</c> job (UU PDP Art. 16(2)): message contents older than the setting go, newer ones and every count stay.</summary>
public sealed class RetentionTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Retention_DeletesContentsOlderThanTheAge_KeepsNewerOnesAndTheFacts(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, new() { ["Kabar:Privacy:MessageBodyRetention"] = "30.00:00:00" });
        const string waId = "6281277775040";
        await app.CreateContactAsync("+" + waId, optedIn: true);
        await app.CreateContactAsync("+1 202 555 0150", optedIn: false, email: "lama@example.id");

        // Old: a message from the person, a WhatsApp notice, an e-mail notice.
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(waId, "wamid.RET-OLD", app.Time.GetUtcNow(), "pesan lama"))));
        var oldWhatsApp = await app.PermitReadyAsync("+" + waId);
        var oldEmail = await app.PermitReadyAsync("+1 202 555 0150");
        await app.SendAndSettleAsync();
        var oldFile = Assert.Single(Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories));

        app.Time.Advance(TimeSpan.FromDays(31));
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(waId, "wamid.RET-NEW", app.Time.GetUtcNow(), "pesan baru"))));
        var newEmail = await app.PermitReadyAsync("+1 202 555 0150");
        await app.SendAndSettleAsync();
        Assert.Equal(2, Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories).Length);

        using var api = app.Api();
        using var run = await api.PostAsync("/api/jobs/retention/run", null);
        await Http.AssertStatusAsync(run, HttpStatusCode.OK);
        var result = await KabarApp.ReadAsync<JsonElement>(run);
        Assert.Equal("succeeded", result.GetProperty("outcome").GetString());
        Assert.Contains("1 inbound message(s), 2 notification(s)", result.GetProperty("detail").GetString());
        Assert.Contains("1 e-mail file(s)", result.GetProperty("detail").GetString());

        var bodies = await app.WithDbAsync(d => d.InboundMessages.OrderBy(m => m.SentAt).Select(m => m.Body).ToListAsync());
        Assert.Equal([null, "pesan baru"], bodies);
        var parameters = await app.WithDbAsync(d => d.Notifications.Where(n => n.Id == oldWhatsApp || n.Id == oldEmail || n.Id == newEmail)
            .ToDictionaryAsync(n => n.Id, n => n.ParamsJson));
        Assert.Equal("{}", parameters[oldWhatsApp]);
        Assert.Equal("{}", parameters[oldEmail]);
        Assert.Contains("partner_name", parameters[newEmail]);
        Assert.False(File.Exists(oldFile));
        Assert.Single(Directory.GetFiles(app.Outbox, "*.eml", SearchOption.AllDirectories));

        // The facts stay: the old notices are still delivered / sent, with their attempts.
        var old = await app.NotificationAsync(oldWhatsApp);
        Assert.Equal(Kabar.Notifications.NotificationState.Delivered, old.State);
        Assert.NotEmpty(old.Attempts);

        // A second run finds nothing more.
        using var again = await api.PostAsync("/api/jobs/retention/run", null);
        Assert.Equal(0, (await KabarApp.ReadAsync<JsonElement>(again)).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Retention_Zero_IsOff_AndTheCliRunsTheJob()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Privacy:MessageBodyRetention"] = "00:00:00" });
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text("6281277775041", "wamid.RET-OFF", app.Time.GetUtcNow(), "tetap"))));

        // The command line runs the same job (on the real clock: nothing is old enough yet).
        var cli = await KabarCliRunner.RunAsync(app, "job", "run", "retention");
        Assert.True(cli.Code == 0, cli.ToString());
        Assert.Contains("Job 'retention' ran", cli.Stdout);

        app.Time.Advance(TimeSpan.FromDays(4000));
        using var api = app.Api();
        using var run = await api.PostAsync("/api/jobs/retention/run", null);
        Assert.Contains("off", (await KabarApp.ReadAsync<JsonElement>(run)).GetProperty("detail").GetString());
        Assert.Equal("tetap", await app.WithDbAsync(d => d.InboundMessages.Select(m => m.Body).SingleAsync()));
    }

    [Fact]
    public async Task ABadRetentionSetting_StopsStartUp_NamingTheKey()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:Privacy:ErasureKey"] = "too-short" });
        });
        Assert.Contains("Kabar:Privacy:ErasureKey", ex.ToString());
    }
}
