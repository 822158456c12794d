using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kabar.Auth;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Contacts;

/// <summary><c>/api/*</c> needs a Bearer API key: 401 without one, 403 without the right (SPEC §11, §13).</summary>
public sealed class ApiAuthTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/contacts?phone=081234567890" },
        { "GET", $"/api/contacts/{Guid.Empty}" },
        { "GET", $"/api/contacts/{Guid.Empty}/consent" },
        { "POST", "/api/contacts" },
        { "POST", $"/api/contacts/{Guid.Empty}/consent" },
        { "POST", "/api/decisions" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NoKey_Is401ProblemWithBearerChallenge(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("Bearer wrong-key-0123456789abcdef")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task WrongCredentials_Are401(string header)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        using var response = await client.GetAsync("/api/contacts?phone=081234567890");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKey_ReadsButCannotWrite()
    {
        using var reader = app.Api(KabarApp.ReadOnlyApiKey);
        using var read = await reader.GetAsync("/api/contacts?phone=081234567890");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var write = await reader.PostAsJsonAsync("/api/contacts", new { phone = "081234567890" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task CreatedKey_WorksUntilRevoked_AndOnlyItsHashIsStored()
    {
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        var key = await store.CreateAsync("permit-system", ApiRights.Write, CancellationToken.None);
        Assert.StartsWith("kabar_", key);
        var stored = await app.WithDbAsync(d => d.ApiKeys.SingleAsync());
        Assert.Equal(ApiKeyStore.HashKey(key), stored.Hash);
        Assert.DoesNotContain(key, stored.Hash + stored.Prefix + stored.Name);

        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var ok = await client.PostAsJsonAsync("/api/contacts", new { phone = "081234567890" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);

        Assert.True(await store.RevokeAsync("permit-system", CancellationToken.None));
        using var revoked = await client.GetAsync("/api/contacts?phone=081234567890");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoints_AreOpen(string path)
    {
        using var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
