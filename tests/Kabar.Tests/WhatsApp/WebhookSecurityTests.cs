using System.Net;
using System.Text;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Infrastructure.Meta;

namespace Kabar.Tests.WhatsApp;

/// <summary>Webhooks are verified over the raw bytes before anything is parsed (SPEC §1, §11).</summary>
public sealed class WebhookSecurityTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private string StopBody() => Envelope(Messages(Text("6281277770001", "wamid.SEC1", app.Time.GetUtcNow().AddMinutes(-1), "STOP")));

    private Task<int> StoredRowsAsync() => app.WithDbAsync(async d =>
        await d.Contacts.CountAsync() + await d.InboundMessages.CountAsync() + await d.ConsentEvents.CountAsync()
        + await d.WhatsAppStatusEvents.CountAsync() + await d.Notifications.CountAsync());

    public static TheoryData<string, string?> BadSignatures => new()
    {
        { "missing", null },
        { "empty", "" },
        { "no prefix", new string('a', 64) },
        { "sha1 prefix", "sha1=" + new string('a', 40) },
        { "too short", "sha256=abcdef" },
        { "too long", "sha256=" + new string('a', 66) },
        { "not hex", "sha256=" + new string('z', 64) },
        { "zeros", "sha256=" + new string('0', 64) },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task BadSignature_Is401AndStoresNothing(string kind, string? header)
    {
        var bytes = Encoding.UTF8.GetBytes(StopBody());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new ByteArrayContent(bytes) };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, header);
        }

        using var response = await app.CreateClient().SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{kind}: {(int)response.StatusCode}");
        Assert.Equal(0, await StoredRowsAsync());
    }

    [Fact]
    public async Task SignatureWithWrongSecret_Is401()
    {
        var body = StopBody();
        using var response = await app.PostWebhookAsync(body, WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), "another-app-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await StoredRowsAsync());
    }

    [Fact]
    public async Task BodyChangedAfterSigning_Is401()
    {
        var body = StopBody();
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), KabarApp.AppSecret);
        using var response = await app.PostWebhookAsync(body.Replace("STOP", "MULAI", StringComparison.Ordinal), signature);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await StoredRowsAsync());
    }

    [Fact]
    public async Task UppercaseHexSignature_IsAccepted()
    {
        var body = StopBody();
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), KabarApp.AppSecret);
        using var response = await app.PostWebhookAsync(body, "sha256=" + signature["sha256=".Length..].ToUpperInvariant());
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignedButNotJson_Is400()
    {
        using var response = await app.PostWebhookAsync("{not json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignedOtherObject_IsAcknowledgedAndIgnored()
    {
        using var response = await app.PostWebhookAsync("""{"object":"page","entry":[{"id":"1","changes":[]}]}""");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(0, await StoredRowsAsync());
    }

    [Fact]
    public async Task MalformedItem_IsSkipped_ItsNeighboursAreKept()
    {
        var good = Text("6281277770001", "wamid.GOOD", app.Time.GetUtcNow().AddMinutes(-1), "halo");
        var noId = Text("6281277770002", "wamid.X", app.Time.GetUtcNow(), "halo");
        noId.Remove("id");
        var badTime = Text("6281277770003", "wamid.Y", app.Time.GetUtcNow(), "halo");
        badTime["timestamp"] = "yesterday";
        await app.PostWebhookOkAsync(Envelope(Messages(noId, good, badTime)));

        Assert.Equal(["wamid.GOOD"], await app.WithDbAsync(d => d.InboundMessages.Select(m => m.Wamid).ToListAsync()));
    }

    [Fact]
    public async Task BodyOver4MB_Is413()
    {
        var body = "{\"object\":\"whatsapp_business_account\",\"pad\":\"" + new string('x', WebhookApi.MaxBodyBytes) + "\"}";
        using var response = await app.PostWebhookAsync(body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Batch_Of1000Statuses_Under3MB_IsAccepted()
    {
        var statuses = Enumerable.Range(0, 1000)
            .Select(i => Status($"wamid.BULK{i}", "delivered", app.Time.GetUtcNow(), "6281277770001", $"attempt-{i}"))
            .ToArray();
        var body = Envelope(Meta.Statuses(statuses));
        Assert.True(body.Length < 3 * 1024 * 1024);
        await app.PostWebhookOkAsync(body);
        Assert.Equal(1000, await app.WithDbAsync(d => d.WhatsAppStatusEvents.CountAsync()));
    }

    [Theory]
    [InlineData("subscribe", KabarApp.VerifyToken, HttpStatusCode.OK)]
    [InlineData("subscribe", "wrong-token", HttpStatusCode.Forbidden)]
    [InlineData("unsubscribe", KabarApp.VerifyToken, HttpStatusCode.Forbidden)]
    [InlineData("subscribe", "", HttpStatusCode.Forbidden)]
    public async Task Verification_AnswersChallengeOnlyForTheRightToken(string mode, string token, HttpStatusCode expected)
    {
        using var response = await app.CreateClient().GetAsync(
            $"/webhooks/whatsapp?hub.mode={mode}&hub.verify_token={Uri.EscapeDataString(token)}&hub.challenge=1158201444");
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
        }
    }
}

/// <summary>Without an app secret Kabar refuses webhooks rather than accepting them unsigned.</summary>
public sealed class WebhookWithoutSecretTests(PostgresServer postgres)
{
    [Fact]
    public async Task RealCredentialsButNoAppSecret_Refuses503AndStoresNothing()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
        {
            ["Kabar:WhatsApp:AppSecret"] = "",
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = PhoneNumberId,
            ["Kabar:WhatsApp:Numbers:0:AccessToken"] = "EAAG-real-token",
        });
        var body = Envelope(Messages(Text("6281277770001", "wamid.NS", app.Time.GetUtcNow(), "STOP")));

        using var unsigned = await app.PostWebhookAsync(body, signature: "");
        using var signedWithEmpty = await app.PostWebhookAsync(body, WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), ""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signedWithEmpty.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.InboundMessages.CountAsync()));
    }

    [Fact]
    public async Task Sandbox_GeneratesAndKeepsASecret_ThatSignsWebhooks()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new() { ["Kabar:WhatsApp:AppSecret"] = "" });
        var body = Envelope(Messages(Text("6281277770001", "wamid.SB", app.Time.GetUtcNow(), "halo")));

        using var withTestSecret = await app.PostWebhookAsync(body);
        Assert.Equal(HttpStatusCode.Unauthorized, withTestSecret.StatusCode);

        var secret = (await Kabar.Data.AppSetting.FindSecretAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), WebhookSecrets.AppSecretKey, CancellationToken.None))!;
        Assert.Equal(64, secret.Length);
        using var signed = await app.PostWebhookAsync(body, WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), secret));
        await Http.AssertStatusAsync(signed, HttpStatusCode.OK);
    }
}
