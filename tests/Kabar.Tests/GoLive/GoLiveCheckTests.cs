using System.Text.Json;
using Kabar.GoLive;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.GoLive;

/// <summary>
/// <c>kabar whatsapp check</c> and <c>templates submit</c> against a Graph API written apart from
/// Kabar's simulator (<see cref="MetaGraphFake"/>): the calls Kabar makes and the requests it sends
/// are those Meta documents, and each line says what Meta answered and how to fix it.
/// </summary>
public sealed class GoLiveCheckTests(PostgresServer postgres) : IAsyncLifetime
{
    private MetaGraphFake meta = null!;
    private KabarApp app = null!;

    private Dictionary<string, string?> Settings => new()
    {
        ["Kabar:WhatsApp:GraphApiBaseUrl"] = meta.BaseUrl,
        ["Kabar:WhatsApp:WabaId"] = MetaGraphFake.WabaId,
        ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = MetaGraphFake.NumberId,
        ["Kabar:WhatsApp:Numbers:0:DisplayPhoneNumber"] = "+6281123456789",
        ["Kabar:WhatsApp:Numbers:0:AccessToken"] = MetaGraphFake.Token,
        ["Kabar:WhatsApp:AppSecret"] = KabarApp.AppSecret,
        ["Kabar:WhatsApp:VerifyToken"] = "a-long-verify-token-0123456789abcdef",
        ["Kabar:PublicBaseUrl"] = "https://kabar.karokab.go.id",
        ["Kabar:Simulator:Enabled"] = "false",
    };

    public async ValueTask InitializeAsync()
    {
        meta = await MetaGraphFake.StartAsync();
        app = await KabarApp.StartAsync(Db.Sqlite, postgres, Settings, kestrel: true);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await meta.DisposeAsync();
    }

    private async Task<CheckReport> CheckAsync(bool fix = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WhatsAppCheck>().RunAsync(fix, CancellationToken.None);
    }

    private async Task<IReadOnlyList<SubmitLine>> SubmitAsync(string? type = null, bool dryRun = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TemplateSubmitter>().SubmitAsync(type, dryRun, CancellationToken.None);
    }

    private static CheckItem Item(CheckReport report, string item) => Assert.Single(report.Items, i => i.Item == item);

    private void ApproveAll()
    {
        foreach (var t in meta.Templates)
        {
            t["status"] = "APPROVED";
        }
    }

    [Fact]
    public async Task NewAccount_FailsOnTheSubscriptionAndEveryTemplate_AndPassesOnceFixedAndSubmitted()
    {
        var report = await CheckAsync();

        Assert.False(report.Ready);
        Assert.Equal(CheckState.Ok, Item(report, "token").State);
        Assert.Contains("DPMPTSP Karo", Item(report, "token").Detail.En, StringComparison.Ordinal);
        var number = Item(report, $"number {MetaGraphFake.NumberId}");
        Assert.Equal(CheckState.Ok, number.State);
        Assert.Equal("+62 811-2345-6789 \"DPMPTSP Kabupaten Karo\" · name APPROVED · VERIFIED · CONNECTED · CLOUD_API · quality GREEN · limit TIER_250", number.Detail.En);
        Assert.Equal(CheckState.Fail, Item(report, "subscribed_apps").State);
        var templates = report.Items.Where(i => i.Item.StartsWith("template ", StringComparison.Ordinal)).ToList();
        Assert.Equal(16, templates.Count);
        Assert.All(templates, t => Assert.Equal((CheckState.Fail, "not at Meta"), (t.State, t.Detail.En)));
        Assert.Contains("kabar whatsapp templates submit --type permit_ready", Item(report, "template permit_ready (id)").Fix!.En, StringComparison.Ordinal);
        Assert.Equal(CheckState.Info, Item(report, "webhook.url").State);
        Assert.Contains("https://kabar.karokab.go.id/webhooks/whatsapp", Item(report, "webhook.url").Detail.En, StringComparison.Ordinal);
        Assert.Equal(16 + 1, report.Failures);

        // The number's fields were asked for by name, the WABA with the system user's token.
        var numberRequest = Assert.Single(meta.Requests, r => r.Path == $"/v23.0/{MetaGraphFake.NumberId}");
        Assert.Contains("whatsapp_business_manager_messaging_limit", Uri.UnescapeDataString(numberRequest.Query), StringComparison.Ordinal);
        Assert.All(meta.Requests, r => Assert.Equal($"Bearer {MetaGraphFake.Token}", r.Authorization));

        var fixedReport = await CheckAsync(fix: true);
        var subscribe = Assert.Single(meta.Requests, r => r.Method == "POST");
        Assert.Equal($"/v23.0/{MetaGraphFake.WabaId}/subscribed_apps", subscribe.Path);
        Assert.Equal(CheckState.Ok, Item(fixedReport, "subscribed_apps").State);
        Assert.Equal("subscribed now: Kabar DPMPTSP (1234567890123)", Item(fixedReport, "subscribed_apps").Detail.En);

        var lines = await SubmitAsync();
        Assert.Equal(16, lines.Count(l => l.Outcome == "submitted"));
        Assert.All(lines, l => Assert.Matches(@"^submitted [a-z_]+ \((id|en)\): id 9\d+, PENDING$", l.ToString()));
        var pending = await CheckAsync();
        Assert.Contains("waiting for Meta's review", Item(pending, "template permit_ready (en)").Fix!.En, StringComparison.Ordinal);

        ApproveAll();
        var ready = await CheckAsync();
        Assert.True(ready.Ready, string.Join("\n", ready.Items.Where(i => i.State == CheckState.Fail).Select(i => $"{i.Item}: {i.Detail.En}")));
        Assert.Equal("APPROVED · UTILITY · 5 parameter(s) · UNKNOWN", Item(ready, "template permit_ready (id)").Detail.En);
    }

    [Fact]
    public async Task Submit_SendsEachTemplateAsMetaDocumentsIt_WithItsExamples_AndRecordsItPending()
    {
        var lines = await SubmitAsync("permit_expiry_warning");

        Assert.Equal(["submitted permit_expiry_warning (id)", "submitted permit_expiry_warning (en)"], lines.Select(l => $"{l.Outcome} {l.Name} ({l.Language})"));
        var post = meta.Requests.Where(r => r.Method == "POST").Select(r => JsonDocument.Parse(r.Body).RootElement).First();
        Assert.Equal(["name", "language", "category", "parameter_format", "components"], post.EnumerateObject().Select(p => p.Name));
        Assert.Equal("permit_expiry_warning", post.GetProperty("name").GetString());
        Assert.Equal("id", post.GetProperty("language").GetString());
        Assert.Equal("UTILITY", post.GetProperty("category").GetString());
        Assert.Equal("POSITIONAL", post.GetProperty("parameter_format").GetString());
        var components = post.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["BODY", "FOOTER"], components.Select(c => c.GetProperty("type").GetString()));
        Assert.StartsWith("Yth. {{1}}, masa berlaku {{2}}", components[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var examples = components[0].GetProperty("example").GetProperty("body_text").EnumerateArray().Single().EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(7, examples.Count);
        Assert.Equal("Budi Santoso", examples[0]);
        Assert.Equal("Balas STOP untuk berhenti menerima pesan WhatsApp.", components[1].GetProperty("text").GetString());

        var stored = await app.WithDbAsync(db => db.WhatsAppTemplates.Where(t => t.Name == "permit_expiry_warning").OrderBy(t => t.Language).ToListAsync());
        Assert.Equal(["en", "id"], stored.Select(t => t.Language));
        Assert.All(stored, t => Assert.Equal(("PENDING", "1,2,3,4,5,6,7"), (t.Status, t.BodyParameters)));

        // A second run sends nothing: both exist now.
        var again = await SubmitAsync("permit_expiry_warning");
        Assert.All(again, l => Assert.Equal("exists", l.Outcome));
        Assert.Equal(2, meta.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task DryRun_PrintsTheRequests_AndSendsNothing()
    {
        var lines = await SubmitAsync("status_update", dryRun: true);

        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("would submit", l.Outcome));
        Assert.Contains("\"name\":\"status_update\"", lines[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(meta.Requests, r => r.Method == "POST");
        Assert.Equal(0, await app.WithDbAsync(db => db.WhatsAppTemplates.CountAsync()));
    }

    [Fact]
    public async Task ApprovedTemplateWithAnotherText_IsReportedWithTheStepsToChangeIt_AndNeverEdited()
    {
        meta.AddTemplate("approval_required", "id", "APPROVED", "Yth. {{1}}, {{2}} a.n. {{3}} nomor {{4}} perlu persetujuan: {{5}} segera.");

        var line = Assert.Single(await SubmitAsync("approval_required"), l => l.Language == "id");

        Assert.Equal("differs", line.Outcome);
        Assert.Contains("Kabar never changes a template Meta holds", line.Text, StringComparison.Ordinal);
        Assert.Contains("WhatsApp Manager", line.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(meta.Requests, r => r.Method == "POST" && r.Body.Contains("\"language\":\"id\"", StringComparison.Ordinal));
        Assert.Equal(CheckState.Warn, Item(await CheckAsync(), "template approval_required (id)").State);
    }

    [Fact]
    public async Task TemplateProblemsAtMeta_AreEachNamed()
    {
        meta.AddTemplate("permit_ready", "id", "APPROVED", "Yth. {{1}}, izin {{2}} nomor {{3}} terbit {{4}} hari ini.");
        meta.AddTemplate("permit_ready", "en", "PAUSED", "Dear {{1}}, your {{2}} number {{3}} was issued on {{4}}, download at {{5}} now.");
        meta.AddTemplate("status_update", "id", "APPROVED", "Status permohonan {{1}} berubah dari {{2}} menjadi {{3}} pada {{4}}, rincian {{5}} ya.", "MARKETING");
        meta.AddTemplate("status_update", "en", "APPROVED",
            "The status of application {{1}} changed from {{2}} to {{3}} on {{4}}. You can see the details at {{5}} at any time.", quality: "RED");
        meta.PageSize = 2;

        var report = await CheckAsync();

        Assert.Contains("Meta's body takes 4 parameter(s) (1, 2, 3, 4), Kabar sends 5: partner_name, permit_type, permit_number, issue_date, download_link",
            Item(report, "template permit_ready (id)").Fix!.En, StringComparison.Ordinal);
        Assert.Contains("paused by Meta", Item(report, "template permit_ready (en)").Fix!.En, StringComparison.Ordinal);
        Assert.Contains("Meta has it as MARKETING, Kabar sends it as UTILITY", Item(report, "template status_update (id)").Fix!.En, StringComparison.Ordinal);
        var red = Item(report, "template status_update (en)");
        Assert.Equal(CheckState.Warn, red.State);
        Assert.Contains("quality RED", red.Fix!.En, StringComparison.Ordinal);
        // Four templates two to a page: the check followed paging.next to the second.
        Assert.Equal(2, meta.Requests.Count(r => r.Path.EndsWith("/message_templates", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NumberNotReady_SaysWhatToDoAtMeta()
    {
        meta.Number["name_status"] = "DECLINED";
        meta.Number["platform_type"] = "NOT_APPLICABLE";
        meta.Number["code_verification_status"] = "NOT_VERIFIED";
        meta.Number["whatsapp_business_manager_messaging_limit"] = "TIER_2K";

        var number = Item(await CheckAsync(), $"number {MetaGraphFake.NumberId}");

        Assert.Equal(CheckState.Fail, number.State);
        Assert.Contains("verify the number with the SMS/voice code", number.Fix!.En, StringComparison.Ordinal);
        Assert.Contains("display name DECLINED", number.Fix.En, StringComparison.Ordinal);
        Assert.Contains($"POST /{MetaGraphFake.NumberId}/register", number.Fix.En, StringComparison.Ordinal);
        Assert.Contains("Meta allows TIER_2K, Kabar is set to 250: set Kabar__WhatsApp__MessagingLimit=2000", number.Fix.En, StringComparison.Ordinal);
        Assert.Contains("nama tampilan DECLINED", number.Fix.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredToken_IsShownWithMetasCodeAndMessage_AndTheCommandLineNeverPrintsTheToken()
    {
        meta.Error = (190, 463, $"Error validating access token: Session has expired on Friday, 04-Dec-26. Token {MetaGraphFake.Token} is no longer valid.");

        var token = Item(await CheckAsync(), "token");
        Assert.Equal(CheckState.Fail, token.State);
        Assert.Contains("code 190/463: Error validating access token: Session has expired", token.Detail.En, StringComparison.Ordinal);
        Assert.Contains("[token]", token.Detail.En, StringComparison.Ordinal);
        Assert.Contains("System users", token.Fix!.En, StringComparison.Ordinal);

        var run = await KabarCliRunner.RunAsync(app.Db, app.ConnectionString,
            Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!), "whatsapp", "check");
        Assert.Equal(1, run.Code);
        Assert.DoesNotContain(MetaGraphFake.Token, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("FAIL  token ", StringComparison.Ordinal) && l.Contains("code 190/463", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("→ the token is invalid or expired", StringComparison.Ordinal));
        Assert.Equal("Not ready: 4 item(s) to fix.", run.StdoutLines[^1]);
    }

    [Fact]
    public async Task MetasRateLimit_StopsFurtherCalls_AndSaysHowLongToWait()
    {
        meta.Usage = (100, 7);

        var report = await CheckAsync();

        Assert.Single(meta.Requests);
        Assert.Equal(CheckState.Ok, Item(report, "token").State);
        var number = Item(report, $"number {MetaGraphFake.NumberId}");
        Assert.Equal(CheckState.Fail, number.State);
        Assert.Contains("rate limit", number.Detail.En, StringComparison.Ordinal);
        Assert.Contains("about 7 minute(s)", number.Detail.En, StringComparison.Ordinal);
        Assert.Contains("Meta's call limit is reached", number.Fix!.En, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandLine_PrintsOneLinePerItem_InIndonesianWhenAsked_AndExitsZeroWhenReady()
    {
        await CheckAsync(fix: true);
        await SubmitAsync();
        ApproveAll();
        var environment = Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

        var run = await KabarCliRunner.RunAsync(app.Db, app.ConnectionString, environment, "whatsapp", "check", "--language", "id");

        Assert.Equal(0, run.Code);
        Assert.Equal("Siap mengirim.", run.StdoutLines[^1]);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("ok    template permit_ready (id)", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("info  webhook.url", StringComparison.Ordinal) && l.Contains("URL panggilan balik", StringComparison.Ordinal));
        Assert.Equal(5 + 1 + 1 + 1 + 1 + 16, run.StdoutLines.Length - 1);
    }

    [Fact]
    public async Task RejectionAtCreation_IsPrintedWithMetasCodeAndReason_AndTheCommandFails()
    {
        meta.RejectCreate = (2388299, "Variables can't be at the start or end of the template",
            "Variables can't be at the start or end of the template. Add text before and after the variables.");

        var lines = await SubmitAsync("opt_in_request");

        Assert.All(lines, l => Assert.Equal("rejected", l.Outcome));
        Assert.Contains("code 100/2388299: Invalid parameter (Variables can't be at the start or end of the template: Variables can't", lines[0].Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.WhatsAppTemplates.CountAsync()));
        var run = await KabarCliRunner.RunAsync(app.Db, app.ConnectionString,
            Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!), "whatsapp", "templates", "submit", "--type", "opt_in_request");
        Assert.Equal(1, run.Code);
        Assert.StartsWith("rejected opt_in_request (id): code 100/2388299", run.StdoutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateRejectedAfterReview_IsReportedRejected_NotAsExisting()
    {
        await SubmitAsync("status_update");
        meta.Templates[0]["status"] = "REJECTED";
        meta.Templates[0]["rejected_reason"] = "PROMOTIONAL";

        var line = Assert.Single(await SubmitAsync("status_update"), l => l.Language == "id");

        Assert.Equal("rejected", line.Outcome);
        Assert.StartsWith("Meta rejected it earlier (PROMOTIONAL)", line.Text, StringComparison.Ordinal);
        Assert.Contains("rejected by Meta (PROMOTIONAL)", Item(await CheckAsync(), "template status_update (id)").Fix!.En, StringComparison.Ordinal);
    }

    [Fact]
    public void NamedTemplate_IsSubmittedWithNamedExamples_AsMetaDocumentsThem()
    {
        var text = new Kabar.Notifications.CatalogText("Yth. {{official_name}}, mohon setujui {{permit_type}} sekarang juga ya.", null, ["Drs. Hartono", "Izin Reklame"]);
        var template = new Kabar.Notifications.CatalogTemplate("approval_required", "persetujuan_izin", true, "UTILITY",
            new Dictionary<string, Kabar.Notifications.CatalogText> { ["id"] = text });

        var body = JsonDocument.Parse(TemplateSubmitter.RequestBody(template, "id", text)).RootElement;

        Assert.Equal("NAMED", body.GetProperty("parameter_format").GetString());
        var component = Assert.Single(body.GetProperty("components").EnumerateArray());
        var named = component.GetProperty("example").GetProperty("body_text_named_params").EnumerateArray()
            .Select(p => (p.GetProperty("param_name").GetString(), p.GetProperty("example").GetString())).ToList();
        Assert.Equal([("official_name", "Drs. Hartono"), ("permit_type", "Izin Reklame")], named);
        Assert.False(component.GetProperty("example").TryGetProperty("body_text", out _));
    }

    [Fact]
    public async Task ConfiguredAppId_MustBeAmongTheSubscribedApps()
    {
        await CheckAsync(fix: true);
        await using var other = await KabarApp.StartAsync(Db.Sqlite, postgres,
            new Dictionary<string, string?>(Settings) { ["Kabar:WhatsApp:AppId"] = "999000999" }, kestrel: true);
        await using var scope = other.Services.CreateAsyncScope();

        var item = Item(await scope.ServiceProvider.GetRequiredService<WhatsAppCheck>().RunAsync(false, CancellationToken.None), "subscribed_apps");

        Assert.Equal(CheckState.Fail, item.State);
        Assert.Equal("Kabar's app (999000999) is not subscribed; subscribed: Kabar DPMPTSP (1234567890123)", item.Detail.En);
    }

    [Fact]
    public async Task ThrottlingErrorBody_StopsFurtherCalls()
    {
        meta.Error = (80008, null, "(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.");

        var report = await CheckAsync();

        Assert.Single(meta.Requests);
        Assert.Contains("code 80008", Item(report, "token").Detail.En, StringComparison.Ordinal);
        Assert.Contains("not asked: Meta's rate limit", Item(report, $"number {MetaGraphFake.NumberId}").Detail.En, StringComparison.Ordinal);

        // The console's next click, a new scope, does not call Meta either, nor does a submission.
        await CheckAsync();
        Assert.All(await SubmitAsync("permit_ready"), l => Assert.Equal("failed", l.Outcome));
        Assert.Single(meta.Requests);
    }

    [Fact]
    public async Task UnexpectedBodies_AndAForeignPagingLink_AreReportedNotCrashed()
    {
        meta.NumberBody = "[]";
        meta.ForeignNext = true;
        meta.PageSize = 1;
        meta.AddTemplate("permit_ready", "id", "APPROVED", "x {{1}} y");
        meta.AddTemplate("permit_ready", "en", "APPROVED", "x {{1}} y");

        var report = await CheckAsync();

        Assert.Contains("JSON that is not an object", Item(report, $"number {MetaGraphFake.NumberId}").Detail.En, StringComparison.Ordinal);
        Assert.Contains("paging.next points to another host", Item(report, "templates").Detail.En, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectedNumber_WithAnExpiredCode_Passes_AndAThousandTierSuggestsTheSettingBelow()
    {
        meta.Number["code_verification_status"] = "EXPIRED";
        meta.Number["whatsapp_business_manager_messaging_limit"] = "TIER_1K";

        var number = Item(await CheckAsync(), $"number {MetaGraphFake.NumberId}");

        Assert.Equal(CheckState.Ok, number.State);

        await using var other = await KabarApp.StartAsync(Db.Sqlite, postgres,
            new Dictionary<string, string?>(Settings) { ["Kabar:WhatsApp:MessagingLimit"] = "2000" }, kestrel: true);
        await using var scope = other.Services.CreateAsyncScope();
        var over = Item(await scope.ServiceProvider.GetRequiredService<WhatsAppCheck>().RunAsync(false, CancellationToken.None), $"number {MetaGraphFake.NumberId}");
        Assert.Equal(CheckState.Warn, over.State);
        Assert.Contains("Meta allows TIER_1K, Kabar is set to 2000: set Kabar__WhatsApp__MessagingLimit=250", over.Fix!.En, StringComparison.Ordinal);
    }
}
