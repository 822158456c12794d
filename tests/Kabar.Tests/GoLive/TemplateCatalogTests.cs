using System.Text.Json.Nodes;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.GoLive;

/// <summary>
/// The office's template catalog: the shipped file passes Meta's published rules, each rule a broken
/// text would break is named with the type, the language and what to change, and Kabar refuses to
/// start on a broken catalog. An English-speaking contact gets the English template.
/// </summary>
public sealed class TemplateCatalogTests(PostgresServer postgres) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("kabar-catalog-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static JsonObject Shipped() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, TemplateCatalog.ShippedFile)))!.AsObject();

    private string Write(JsonObject catalog)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, catalog.ToJsonString());
        return path;
    }

    private static TemplateCatalog Load(string path) => TemplateCatalog.Load(path, _ => (null, false));

    private string WithBody(string type, string language, string body, params string[] examples)
    {
        var catalog = Shipped();
        var text = catalog["templates"]![type]!["languages"]![language]!.AsObject();
        text["body"] = body;
        text["examples"] = new JsonArray([.. examples.Select(e => (JsonNode)JsonValue.Create(e)!)]);
        return Write(catalog);
    }

    [Fact]
    public void ShippedCatalog_HasEveryTypeInIndonesianAndEnglish_WithinMetasRules()
    {
        var catalog = TemplateCatalog.Default;

        Assert.Empty(catalog.Problems);
        Assert.Equal(NotificationCatalog.All.Select(t => t.Name), catalog.Templates.Select(t => t.Type));
        Assert.All(catalog.Templates, t => Assert.Equal(["en", "id"], t.Languages.Keys.Order()));
        Assert.All(catalog.Templates, t => Assert.Equal("UTILITY", t.Category));
    }

    [Theory]
    [InlineData("{{1}} dokumen {{2}} Anda nomor {{3}} telah terbit pada {{4}}. Dokumen izin dapat diunduh di {{5}} kapan saja.", "starts with a placeholder")]
    [InlineData("Yth. {{1}}, dokumen {{2}} Anda dengan nomor {{3}} telah terbit pada tanggal {{4}}. Dokumen izin dapat diunduh di: {{5}}.", "ends with a placeholder")]
    [InlineData("Yth. {{1}} {{2}} Anda dengan nomor {{3}} telah terbit pada {{4}}. Dokumen izin dapat diunduh di {{5}} kapan saja.", "{{1}} and {{2}} stand side by side")]
    [InlineData("Yth. {{1}}, dokumen {{3}} Anda dengan nomor {{2}} telah terbit pada {{4}}. Dokumen izin dapat diunduh di {{5}} kapan saja.", "{{1}} to {{5}}, each first used in that order")]
    [InlineData("Yth. {{1}}, dokumen {{2}} Anda dengan nomor {{3}} telah terbit pada {{4}}. Kapan saja.", "{{1}} to {{5}}")]
    [InlineData("Yth. {{1}}, {{2}} nomor {{3}} terbit {{4}} di {{5}} ya.", "too many placeholders for their length")]
    public void BrokenBody_IsNamedWithTypeLanguageAndTheRule(string body, string problem)
    {
        var catalog = Load(WithBody("permit_ready", "id", body, "Siti", "Izin Usaha", "503/1", "25-11-2026", "https://x.example/1"));

        var line = Assert.Single(catalog.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.StartsWith("templates.permit_ready.languages.id: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingExamples_LongBody_AndAFooterWithAPlaceholder_AreEachReported()
    {
        var catalog = Shipped();
        var text = catalog["templates"]!["status_update"]!["languages"]!["en"]!.AsObject();
        text["examples"] = new JsonArray("REG-1", "a");
        text["footer"] = "Reply STOP {{1}}";
        var id = catalog["templates"]!["status_update"]!["languages"]!["id"]!.AsObject();
        id["body"] = "Status permohonan {{1}} berubah dari {{2}} menjadi {{3}} pada {{4}}. Rincian di {{5}} kapan saja. " + new string('x', 1024);

        var problems = Load(Write(catalog)).Problems;

        Assert.Contains(problems, p => p.StartsWith("templates.status_update.languages.en: 2 example value(s) for 5 placeholder(s)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("templates.status_update.languages.en: the footer has a placeholder", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("templates.status_update.languages.id: the body has 11", StringComparison.Ordinal) && p.Contains("at most 1024", StringComparison.Ordinal));
    }

    [Fact]
    public void WrongCategory_UnknownAndMissingTypes_AndAnUnknownLanguage_AreReported()
    {
        var catalog = Shipped();
        var templates = catalog["templates"]!.AsObject();
        templates["permit_ready"]!["category"] = "MARKETING";
        templates.Remove("document_reminder");
        templates["permit_rejected"] = new JsonObject { ["category"] = "UTILITY", ["languages"] = new JsonObject() };
        templates["status_update"]!["languages"]!.AsObject()["jv"] = new JsonObject { ["body"] = "Sugeng {{1}}" };

        var problems = Load(Write(catalog)).Problems;

        Assert.Contains("templates.permit_ready.category: MARKETING, but Kabar sends permit_ready as UTILITY (its consent and price rules depend on it)", problems);
        Assert.Contains("templates.document_reminder: missing; every notification type needs its WhatsApp template", problems);
        Assert.Contains(problems, p => p.StartsWith("templates.permit_rejected: no such notification type", StringComparison.Ordinal));
        Assert.Contains("templates.status_update.languages.jv: Kabar writes to contacts in id and en only", problems);
    }

    [Fact]
    public void UnreadableFile_IsOneProblemWithItsLine()
    {
        var path = Path.Combine(folder, "broken.json");
        File.WriteAllText(path, "{\n  \"templates\": {\n    \"permit_ready\": { \"category\": UTILITY }\n  }\n}");

        var problem = Assert.Single(Load(path).Problems);

        Assert.Contains("not valid JSON at line 3", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void NamedMapping_NeedsTheTypesParameterNames()
    {
        var catalog = TemplateCatalog.Load(Path.Combine(AppContext.BaseDirectory, TemplateCatalog.ShippedFile),
            type => type == "permit_ready" ? ("izin_terbit", true) : (null, false));

        Assert.Equal("izin_terbit", catalog.For("permit_ready")!.Name);
        Assert.Contains(catalog.Problems, p => p.StartsWith("templates.permit_ready.languages.id: the placeholder {{1}} is not a name", StringComparison.Ordinal));
        Assert.Contains(catalog.Problems, p => p.StartsWith("templates.permit_ready.languages.id: the body lacks {{partner_name}}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kabar_RefusesToStart_OnABrokenCatalog_NamingTheProblem()
    {
        var path = WithBody("approval_required", "en", "{{1}} {{2}} {{3}} {{4}} {{5}}", "a", "b", "c", "d", "e");

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:WhatsApp:TemplateCatalog"] = path });
        });

        var message = error.ToString();
        Assert.Contains("Kabar:WhatsApp:TemplateCatalog", message, StringComparison.Ordinal);
        Assert.Contains("templates.approval_required.languages.en: the body starts with a placeholder", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnglishContact_GetsTheEnglishTemplate_IndonesianTheIndonesianOne()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await app.CreateContactAsync("+6281277790001", optedIn: true, language: "en");
        await app.CreateContactAsync("+6281277790002", optedIn: true);
        await app.PermitReadyAsync("+6281277790001");
        await app.PermitReadyAsync("+6281277790002");
        await app.SendAndSettleAsync();

        var english = Assert.Single(app.WhatsAppTo("+6281277790001"));
        var indonesian = Assert.Single(app.WhatsAppTo("+6281277790002"));
        Assert.Equal(("permit_ready", "en"), (english.TemplateName, english.TemplateLanguage));
        Assert.Equal(("permit_ready", "id"), (indonesian.TemplateName, indonesian.TemplateLanguage));
    }
}
