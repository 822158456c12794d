using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Network;

/// <summary>
/// Kabar behind a reverse proxy on the same machine: every connection comes from loopback, and only
/// the forwarded headers of a trusted proxy say who the client is. Real sockets: each client
/// connects from its own loopback source address, as nginx (127.0.0.1) or a stranger (127.0.0.2) would.
/// </summary>
public sealed class ReverseProxyTests(PostgresServer postgres)
{
    private const string PublicHost = "kabar.karokab.test";
    private const string Proxy = "127.0.0.1";
    private const string Stranger = "127.0.0.2";

    private Task<KabarApp> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kabar:Network:KnownProxies:0"] = Proxy,
            ["Kabar:PublicBaseUrl"] = $"https://{PublicHost}",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return KabarApp.StartAsync(Db.Sqlite, postgres, settings, kestrel: true);
    }

    /// <summary>A client whose connections leave from <paramref name="source"/>; redirects are not followed.</summary>
    private static HttpClient From(KabarApp app, string source) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri(app.BaseUrl) };

    /// <summary>A request as nginx passes it on: the public host, and the client's address and scheme in X-Forwarded-*.</summary>
    private static HttpRequestMessage Forwarded(HttpMethod method, string path, string? client = "203.0.113.7", string? proto = null,
        HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = PublicHost;
        if (client is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", client);
        }

        if (proto is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", proto);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", PublicHost);
        }

        return request;
    }

    [Theory]
    [InlineData("/sandbox")]
    [InlineData("/simulator/_control/messages")]
    [InlineData("/simulator/sicantik/control/applications")]
    [InlineData("/simulator/sicantik/backoffice/api/jumlahPerizinan")]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    [InlineData("/Metrics/")]
    public async Task LocalOnlyPages_ThroughTheProxy_AreRefused_AndStillAnswerDirectly(string path)
    {
        await using var app = await StartAsync();
        using var proxy = From(app, Proxy);

        using (var direct = await proxy.GetAsync(path))
        {
            await Http.AssertStatusAsync(direct, HttpStatusCode.OK);
        }

        // Through the proxy: the connection is loopback, but it speaks for someone else.
        using (var through = await proxy.SendAsync(Forwarded(HttpMethod.Get, path)))
        {
            await Http.AssertStatusAsync(through, HttpStatusCode.Forbidden);
        }

        // A stranger's own forwarding header counts too, though nobody trusts it.
        using var stranger = From(app, Stranger);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
        spoofed.Headers.TryAddWithoutValidation("X-Real-IP", "127.0.0.1");
        using var answer = await stranger.SendAsync(spoofed);
        await Http.AssertStatusAsync(answer, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ForgedStop_ThroughTheProxy_IsRefused_AndTheLedgerIsUntouched()
    {
        await using var app = await StartAsync();
        await app.CreateContactAsync("+6281230007001", optedIn: true);
        using var proxy = From(app, Proxy);

        using var inbound = await proxy.SendAsync(Forwarded(HttpMethod.Post, "/simulator/_control/inbound",
            content: JsonContent.Create(new { from = "+6281230007001", text = "STOP" })));
        await Http.AssertStatusAsync(inbound, HttpStatusCode.Forbidden);
        using var chat = await proxy.SendAsync(Forwarded(HttpMethod.Get, "/sandbox/%2B6281230007001"));
        await Http.AssertStatusAsync(chat, HttpStatusCode.Forbidden);

        await app.Services.GetRequiredService<Kabar.Simulator.CloudApiSimulator>().WhenIdleAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.ConsentEvents.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundMessages.CountAsync()));
    }

    [Fact]
    public async Task SandboxSimulator_TakesOnlyItsOwnToken_AndOnlyDirectly()
    {
        await using var app = await StartAsync();
        using var proxy = From(app, Proxy);
        var send = new { messaging_product = "whatsapp", to = "+6281230007002", type = "text", text = new { body = "halo" } };
        const string path = "/simulator/v23.0/900000000000001/messages";

        foreach (var token in new[] { "sandbox", "EAAG-anything" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(send) };
            request.Headers.Authorization = new("Bearer", token);
            using var refused = await proxy.SendAsync(request);
            await Http.AssertStatusAsync(refused, HttpStatusCode.Unauthorized);
            var error = (await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error");
            Assert.Equal(190, error.GetProperty("code").GetInt32());
        }

        var own = app.Services.GetRequiredService<SandboxToken>().Value;
        using var through = Forwarded(HttpMethod.Post, path, content: JsonContent.Create(send));
        through.Headers.Authorization = new("Bearer", own);
        using var forwarded = await proxy.SendAsync(through);
        await Http.AssertStatusAsync(forwarded, HttpStatusCode.Forbidden);

        Assert.Empty(app.Services.GetRequiredService<Kabar.Simulator.CloudApiSimulator>().Messages(null));
    }

    [Fact]
    public async Task Registration_ThroughTheTrustedProxy_KeepsTheClientsAddress_AStrangersClaimIsIgnored()
    {
        await using var app = await StartAsync();

        async Task<string?> RegisterAsync(string source, string phone, string claimedClient)
        {
            using var client = From(app, source);
            using var form = await client.SendAsync(Forwarded(HttpMethod.Get, "/daftar", claimedClient));
            await Http.AssertStatusAsync(form, HttpStatusCode.OK);
            var fields = new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Forms.AntiforgeryToken(await form.Content.ReadAsStringAsync()),
                ["Input.Name"] = "Siti Aminah",
                ["Input.Phone"] = phone,
                ["Input.PermitType"] = Web.CitizenPages.PermitType,
                ["Input.WhatsAppConsent"] = "true",
            };
            using var post = await client.SendAsync(Forwarded(HttpMethod.Post, "/daftar", claimedClient, content: new FormUrlEncodedContent(fields)));
            await Http.AssertStatusAsync(post, HttpStatusCode.OK);
            var e164 = "+62" + phone[1..];
            var contact = await app.WithDbAsync(db => db.Contacts.SingleAsync(c => c.Phone == e164));
            return await app.WithDbAsync(db => db.ConsentEvents.Where(e => e.ContactId == contact.Id).Select(e => e.Ip).SingleAsync());
        }

        Assert.Equal("203.0.113.7", await RegisterAsync(Proxy, "081230007003", "203.0.113.7"));
        Assert.Equal(Stranger, await RegisterAsync(Stranger, "081230007004", "198.51.100.9"));
    }

    [Fact]
    public async Task FormLimits_CountEachForwardedClient_AndAStrangerCannotDodgeThem()
    {
        await using var app = await StartAsync(new() { ["Kabar:Citizens:FormPostsPerIp"] = "3" });
        using var proxy = From(app, Proxy);

        async Task<HttpStatusCode> JunkPostAsync(HttpClient client, string path, string forwardedFor)
        {
            using var request = Forwarded(HttpMethod.Post, path, forwardedFor, content: new FormUrlEncodedContent([]));
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await JunkPostAsync(proxy, "/daftar", "203.0.113.7"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await JunkPostAsync(proxy, "/daftar", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await JunkPostAsync(proxy, "/admin/login", "203.0.113.7"));

        // Another citizen behind the same proxy, and an operator signing in, are not blocked.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await JunkPostAsync(proxy, "/daftar", "203.0.113.8"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await JunkPostAsync(proxy, "/admin/login", "203.0.113.9"));

        // A stranger who writes a new X-Forwarded-For each time is still one address.
        using var stranger = From(app, Stranger);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add(await JunkPostAsync(stranger, "/daftar", $"198.51.100.{i + 1}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);

        // The log names the client the proxy spoke for, and the stranger by its own address.
        Assert.Contains(app.Logs.Lines, l => l.Contains("from 203.0.113.7: over the citizen-forms limit", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains($"from {Stranger}: over the citizen-forms limit", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("from 198.51.100.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpsAtTheProxy_RedirectsToHttps_SendsHsts_AndMarksCookiesSecure()
    {
        await using var app = await StartAsync();
        using var proxy = From(app, Proxy);

        using var admin = await proxy.SendAsync(Forwarded(HttpMethod.Get, "/admin", proto: "https"));
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.StartsWith($"https://{PublicHost}/admin/login", admin.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var form = await proxy.SendAsync(Forwarded(HttpMethod.Get, "/daftar", proto: "https"));
        await Http.AssertStatusAsync(form, HttpStatusCode.OK);
        Assert.True(form.Headers.Contains("Strict-Transport-Security"), "no HSTS header over HTTPS at the proxy");
        var antiforgery = Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith("kabar-af=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // The scheme is the trusted proxy's word only: a stranger's X-Forwarded-Proto changes nothing.
        using var stranger = From(app, Stranger);
        using var claimed = await stranger.SendAsync(Forwarded(HttpMethod.Get, "/daftar", proto: "https"));
        Assert.False(claimed.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", claimed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("kabar-af=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("rebind.attacker.test:5080", HttpStatusCode.BadRequest)]
    [InlineData(PublicHost, HttpStatusCode.OK)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("intranet.karokab.test", HttpStatusCode.OK)]
    public async Task HostHeader_OnlyKabarsOwnNames_AreServed(string host, HttpStatusCode expected)
    {
        await using var app = await StartAsync(new() { ["Kabar:Network:AllowedHosts:0"] = "intranet.karokab.test" });
        using var client = From(app, Proxy);
        foreach (var path in new[] { "/healthz", "/sandbox" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            await Http.AssertStatusAsync(response, expected);
        }

        // Meta's posts skip the middleware meant for people, not the host check: to one of
        // Kabar's names an unsigned post is refused for its signature, to any other for its host.
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp")
        {
            Content = new StringContent("{\"object\":\"whatsapp_business_account\",\"entry\":[]}", System.Text.Encoding.UTF8, "application/json"),
        };
        webhook.Headers.Host = host;
        using var refused = await client.SendAsync(webhook);
        await Http.AssertStatusAsync(refused, expected == HttpStatusCode.OK ? HttpStatusCode.Unauthorized : expected);
    }

    [Theory]
    [InlineData("Kabar:Network:KnownProxies:0", "nginx.local")]
    [InlineData("Kabar:Network:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("Kabar:Network:AllowedHosts:0", "https://kabar.karokab.test/")]
    [InlineData("Kabar:Network:AllowedHosts:0", "*")]
    public async Task Start_BadNetworkSetting_FailsNamingTheKey(string key, string value)
    {
        var error = await Record.ExceptionAsync(async () => await (await StartAsync(new() { [key] = value })).DisposeAsync());

        Assert.NotNull(error);
        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }
}
