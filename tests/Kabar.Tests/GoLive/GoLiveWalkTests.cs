using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Simulator;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.GoLive;

/// <summary>
/// The whole go-live, as the office does it, on the simulator playing a brand-new business account
/// (<c>Kabar:Simulator:NewAccount</c>): Kabar in its own process on a fresh database, the commands
/// as an operator types them. The check fails naming each missing piece; <c>--fix</c> subscribes the
/// app; <c>templates submit</c> sends the catalog; Meta approves it by webhook; the check passes; a
/// permit notice is delivered on WhatsApp.
/// </summary>
public sealed class GoLiveWalkTests : IAsyncLifetime
{
    private const string Token = "EAAJ-office-system-user-token-91c2";
    private const string WabaId = "104800000000001";
    private const string NumberId = "109800000000002";
    private const string ApiKey = "go-live-walk-api-key-0123456789";
    private const string AppSecret = "3f1c0a9e8d7b6a5f4e3d2c1b0a998877";

    private readonly string directory = Directory.CreateTempSubdirectory("kabar-golive-").FullName;
    private WebApplication simulator = null!;
    private KabarProcess kabar = null!;
    private string kabarUrl = null!;
    private Dictionary<string, string> settings = null!;

    private string Database => Path.Combine(directory, "kabar.db");

    public async ValueTask InitializeAsync()
    {
        kabarUrl = $"http://127.0.0.1:{KabarProcess.FreePort()}";
        simulator = await SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kabar:Simulator:NewAccount"] = "true",
            // Meta may approve within seconds: the approval can reach Kabar before the submission is recorded.
            ["Kabar:Simulator:TemplateReviewDelay"] = "00:00:00",
            ["Kabar:Simulator:AccessToken"] = Token,
            ["Kabar:Simulator:WebhookUrl"] = $"{kabarUrl}/webhooks/whatsapp",
            ["Kabar:Simulator:AppSecret"] = AppSecret,
            ["Kabar:Simulator:SentDelay"] = "00:00:00.100",
            ["Kabar:Simulator:DeliveredDelay"] = "00:00:00.200",
            ["Kabar:WhatsApp:WabaId"] = WabaId,
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = NumberId,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        settings = new()
        {
            ["ConnectionStrings:Kabar"] = $"Data Source={Database}",
            ["Kabar:Api:Keys:0"] = ApiKey,
            ["Kabar:PublicBaseUrl"] = "https://kabar.karokab.go.id",
            ["Kabar:WhatsApp:GraphApiBaseUrl"] = simulator.Urls.First(),
            ["Kabar:WhatsApp:WabaId"] = WabaId,
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = NumberId,
            ["Kabar:WhatsApp:Numbers:0:DisplayPhoneNumber"] = "+6281100000000",
            ["Kabar:WhatsApp:Numbers:0:AccessToken"] = Token,
            ["Kabar:WhatsApp:AppSecret"] = AppSecret,
            ["Kabar:WhatsApp:VerifyToken"] = "5b0f1e7c9a2d4e6f8a0b1c2d3e4f5a6b",
            ["Kabar:Simulator:Enabled"] = "false",
            ["Kabar:Notifications:PollInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        kabar = KabarProcess.Start(directory, ["--urls", kabarUrl, .. settings.Select(s => $"--{s.Key}={s.Value}")]);
        await kabar.WaitUntilReadyAsync(kabarUrl, TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        await kabar.DisposeAsync();
        await simulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private Task<CliRun> KabarAsync(params string[] args) => KabarCliRunner.RunAsync(Db.Sqlite, settings["ConnectionStrings:Kabar"],
        settings.Where(s => s.Key != "ConnectionStrings:Kabar").ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value),
        args);

    private static string Line(CliRun run, string start) =>
        Assert.Single(run.StdoutLines, l => l.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public async Task FromNothingToAFirstDeliveredNotice()
    {
        var first = await KabarAsync("whatsapp", "check");
        Assert.Equal(1, first.Code);
        Assert.Contains("Dinas Penanaman Modal dan PTSP", Line(first, "ok    token "), StringComparison.Ordinal);
        Assert.Contains("CONNECTED · CLOUD_API", Line(first, $"ok    number {NumberId}"), StringComparison.Ordinal);
        Assert.Contains("no app is subscribed", Line(first, "FAIL  subscribed_apps"), StringComparison.Ordinal);
        var missing = first.StdoutLines.Where(l => l.StartsWith("FAIL  template ", StringComparison.Ordinal)).ToList();
        Assert.Equal(16, missing.Count);
        Assert.All(missing, l => Assert.EndsWith("not at Meta", l, StringComparison.Ordinal));
        Assert.Equal("Not ready: 17 item(s) to fix.", first.StdoutLines[^1]);
        Assert.DoesNotContain(Token, first.Stdout + first.Stderr, StringComparison.Ordinal);

        var fix = await KabarAsync("whatsapp", "check", "--fix");
        Assert.Equal(1, fix.Code);
        Assert.Contains("subscribed now: Kabar (900000000000099)", Line(fix, "ok    subscribed_apps"), StringComparison.Ordinal);
        Assert.Equal("Not ready: 16 item(s) to fix.", fix.StdoutLines[^1]);

        var submit = await KabarAsync("whatsapp", "templates", "submit");
        Assert.True(submit.Code == 0, submit.ToString());
        Assert.Equal(16, submit.StdoutLines.Count(l => l.StartsWith("submitted ", StringComparison.Ordinal) && l.EndsWith(", PENDING", StringComparison.Ordinal)));
        Assert.Contains("16 submitted, 0 already at Meta, 0 differ, 0 rejected, failed or refused.", submit.Stderr, StringComparison.Ordinal);

        // Meta reviews; its status webhooks reach Kabar, which records each approval.
        await WaitForAsync(async () => await ApprovedTemplatesAsync() == 16, TimeSpan.FromSeconds(60), "16 approved templates in Kabar's database");

        var ready = await KabarAsync("whatsapp", "check");
        Assert.True(ready.Code == 0, ready.ToString());
        Assert.Equal("Ready to send.", ready.StdoutLines[^1]);
        Assert.Equal(16, ready.StdoutLines.Count(l => l.StartsWith("ok    template ", StringComparison.Ordinal)));

        using var api = new HttpClient { BaseAddress = new Uri(kabarUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        const string staff = "+6281277770099";
        using (var contact = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone = staff,
            name = "Rina (loket)",
            language = "id",
            consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1", ip = "203.0.113.7", userAgent = "test" },
        }))
        {
            Assert.True(contact.IsSuccessStatusCode, await contact.Content.ReadAsStringAsync());
        }

        using var enqueue = await api.PostAsJsonAsync("/api/notifications", new { type = "permit_ready", phone = staff, @params = Pipeline.PermitReadyParams });
        Assert.True(enqueue.IsSuccessStatusCode, await enqueue.Content.ReadAsStringAsync());
        var id = (await enqueue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        string state = "";
        await WaitForAsync(async () =>
        {
            state = (await api.GetFromJsonAsync<JsonElement>($"/api/notifications/{id}")).GetProperty("state").GetString()!;
            return state is "delivered" or "read";
        }, TimeSpan.FromSeconds(60), "the notice delivered");

        var sent = Assert.Single(simulator.Services.GetRequiredService<CloudApiSimulator>().Messages(staff));
        Assert.Equal(("permit_ready", "id"), (sent.TemplateName, sent.TemplateLanguage));
    }

    private async Task<long> ApprovedTemplatesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM WhatsAppTemplates WHERE Status = 'APPROVED'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Waited {timeout} for {what}. Kabar's output:\n{kabar.Output}");
            await Task.Delay(250);
        }
    }
}
