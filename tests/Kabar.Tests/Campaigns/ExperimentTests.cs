using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Campaigns;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Web;
using static Kabar.Tests.Campaigns.CampaignSupport;

namespace Kabar.Tests.Campaigns;

/// <summary>Deterministic assignment of people to request variants, and what the API accepts as a variant.</summary>
public sealed class VariantAssignmentTests
{
    private static readonly ExperimentVariant[] Variants =
    [
        new("a", 1, null, null),
        new("b", 3, null, null),
    ];

    [Fact]
    public void Assignment_IsTheSameEveryTime_AndFollowsTheWeights()
    {
        var experiment = Guid.Parse("0199a0c4-5a1e-7000-8000-000000000001");
        var people = Enumerable.Range(0, 20_000).Select(i => new Guid(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8])).ToList();
        var first = people.Select(p => VariantAssignment.Assign(experiment, p, Variants).Key).ToList();
        var again = people.Select(p => VariantAssignment.Assign(experiment, p, Variants).Key).ToList();
        Assert.Equal(first, again);

        var share = first.Count(k => k == "b") / (double)first.Count;
        Assert.InRange(share, 0.74, 0.76);

        // Another experiment shuffles people independently of the first.
        var other = people.Select(p => VariantAssignment.Assign(Guid.CreateVersion7(), p, Variants).Key).ToList();
        var agree = first.Zip(other).Count(x => x.First == x.Second) / (double)first.Count;
        Assert.InRange(agree, 0.60, 0.65); // 0.25² + 0.75² = 0.625 when independent
    }
}

/// <summary>
/// An experiment end to end: a campaign sends each variant's text, people open and confirm their
/// links or reply with the keyword, and the API reports exactly those asks and conversions.
/// </summary>
public abstract class ExperimentFlowTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    public static object TwoVariants(string name = "Teks ajakan") => new
    {
        name,
        variants = new object[]
        {
            new { key = "a", weight = 1, sms = new { id = "[A] {office_name}: terima kabar izin lewat WhatsApp? {link}", en = "[A] {office_name}: permit news on WhatsApp? {link}" } },
            new { key = "b", weight = 1, sms = new { id = "[B] {office_name} kini di WhatsApp. Cukup sekali klik: {link}", en = "[B] {office_name} is on WhatsApp now. One tap: {link}" } },
        },
    };

    public static async Task<Guid> CreateExperimentAsync(KabarApp app, object body)
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/experiments", body);
        await Http.AssertStatusAsync(response, HttpStatusCode.Created);
        return (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task VariantTextWithoutTheLink_IsRefused_NamingTheVariantAndLanguage()
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/experiments", new
        {
            name = "x",
            variants = new object[]
            {
                new { key = "a", weight = 1 },
                new { key = "b", weight = 1, sms = new { id = "{office_name} di WhatsApp", en = "{office_name} on WhatsApp: {link}" } },
            },
        }, TestContext.Current.CancellationToken);
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("variants[1].sms.id", out var message), errors.ToString());
        Assert.Contains("{link}", message[0].GetString(), StringComparison.Ordinal);
        Assert.False(errors.TryGetProperty("variants[1].sms.en", out _));
    }

    [Fact]
    public async Task RecordedAsksAndConversions_AreWhatTheCampaignAndExperimentReport()
    {
        var experiment = await CreateExperimentAsync(app, TwoVariants());
        var people = await SeedManyAsync(app, 16, "+62812610");
        var campaign = await CreateAsync(app, Body(experimentId: experiment));
        for (var i = 0; i < 5; i++)
        {
            await app.RunCampaignsAsync();
        }

        await app.DispatchAsync();

        // What each person received decides their variant, as far as this test knows.
        var variantOf = new Dictionary<string, string>();
        var linkOf = new Dictionary<string, string>();
        foreach (var p in people)
        {
            var text = Assert.Single(app.Sms().Received(p.Phone!)).Text;
            Assert.Contains(CitizenPages.Office, text, StringComparison.Ordinal);
            Assert.Contains("/opt-out/", text, StringComparison.Ordinal);
            variantOf[p.Phone!] = text.StartsWith("[A]", StringComparison.Ordinal) ? "a" : text.StartsWith("[B]", StringComparison.Ordinal) ? "b" : "?";
            linkOf[p.Phone!] = CitizenPages.OnlyLink(CitizenPages.OptInLink(), text);
        }

        Assert.DoesNotContain("?", variantOf.Values);
        Assert.Contains("a", variantOf.Values);
        Assert.Contains("b", variantOf.Values);

        var phones = people.Select(p => p.Phone!).ToList();
        var openers = phones.Take(10).ToList();
        var confirmers = phones.Take(6).ToList();
        var keyword = phones[12];
        var late = phones[13];
        using var browser = app.CreateClient();
        foreach (var phone in openers)
        {
            await OpenAsync(browser, linkOf[phone]);
        }

        // A second look is still one open per person; a link preview (a GET that runs no script)
        // records nothing at all.
        await OpenAsync(browser, linkOf[openers[0]]);
        using (await browser.GetAsync(CitizenPages.PathOf(linkOf[phones[10]]), TestContext.Current.CancellationToken))
        {
        }

        foreach (var phone in confirmers)
        {
            await ConfirmAsync(browser, linkOf[phone]);
        }

        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(keyword[1..], "wamid.kw1", app.Time.GetUtcNow(), "MULAI"))));

        // A confirmation after the 14-day attribution window is not this ask's conversion.
        app.Time.Advance(TimeSpan.FromDays(15));
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(late[1..], "wamid.kw2", app.Time.GetUtcNow(), "MULAI"))));

        var converted = confirmers.Append(keyword).ToHashSet();
        var progress = await ProgressAsync(app, campaign);
        Assert.Equal(16, progress.Figure("asked"));
        Assert.Equal(openers.Count, progress.Figure("opened"));
        Assert.Equal(converted.Count, progress.Figure("confirmed"));

        using var api = app.Api();
        using var response = await api.GetAsync($"/api/experiments/{experiment}?lang=en", TestContext.Current.CancellationToken);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var analysis = await KabarApp.ReadAsync<JsonElement>(response);
        foreach (var v in analysis.GetProperty("variants").EnumerateArray())
        {
            var key = v.GetProperty("key").GetString()!;
            var asked = variantOf.Count(x => x.Value == key);
            var conversions = converted.Count(p => variantOf[p] == key);
            Assert.Equal(asked, v.GetProperty("asked").GetInt64());
            Assert.Equal(conversions, v.GetProperty("converted").GetInt64());
            Assert.Equal(conversions / (double)asked, v.GetProperty("rate").GetDouble(), 9);
            var wilson = v.GetProperty("wilson95");
            Assert.InRange(conversions / (double)asked, wilson.GetProperty("low").GetDouble(), wilson.GetProperty("high").GetDouble());
        }

        // Sixteen asks cannot establish a winner.
        Assert.NotEqual("winner", analysis.GetProperty("verdict").GetString());
        Assert.False(string.IsNullOrWhiteSpace(analysis.GetProperty("summary").GetString()));
    }

    /// <summary>What the opt-in page's script does in a browser: the page, then its "opened" report.</summary>
    private static async Task OpenAsync(HttpClient client, string link)
    {
        var path = CitizenPages.PathOf(link);
        var html = await client.GetStringAsync(path);
        Assert.Contains("js/opened.js", html, StringComparison.Ordinal);
        using var response = await client.PostAsync(path + "?handler=Opened",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Forms.AntiforgeryToken(html) }));
        await Http.AssertStatusAsync(response, HttpStatusCode.NoContent);
    }

    private static async Task ConfirmAsync(HttpClient client, string link)
    {
        var path = CitizenPages.PathOf(link);
        var token = Forms.AntiforgeryToken(await client.GetStringAsync(path));
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
    }
}

public sealed class ExperimentFlowTests_Sqlite(PostgresServer postgres) : ExperimentFlowTests(Db.Sqlite, postgres);

public sealed class ExperimentFlowTests_Postgres(PostgresServer postgres) : ExperimentFlowTests(Db.Postgres, postgres);
