using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Contacts;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Decisions;

/// <summary><c>POST /api/decisions/bulk</c>: the single dry run's decision for many people in one call.</summary>
public abstract class BulkDecisionsApiTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private static readonly object Template = new { kind = "template", category = "utility" };
    private KabarApp app = null!;
    private HttpClient api = null!;

    public async ValueTask InitializeAsync()
    {
        app = await KabarApp.StartAsync(db, postgres);
        api = app.Api(KabarApp.ReadOnlyApiKey);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await app.DisposeAsync();
    }

    private async Task<Guid> CreateAsync(string phone, bool granted)
    {
        using var write = app.Api();
        using var created = await write.PostAsJsonAsync("/api/contacts", granted
            ? new { phone, consent = (object?)new { granted = true, source = "registration_form", textVersion = "daftar-v1" } }
            : new { phone, consent = (object?)null });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await KabarApp.ReadAsync<JsonElement>(created)).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement[]> BulkAsync(object request)
    {
        using var response = await api.PostAsJsonAsync("/api/decisions/bulk", request);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return [.. (await KabarApp.ReadAsync<JsonElement>(response)).EnumerateArray()];
    }

    private async Task<string> SingleAsync(object request)
    {
        using var response = await api.PostAsJsonAsync("/api/decisions", request);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return (await KabarApp.ReadAsync<JsonElement>(response)).GetRawText();
    }

    [Fact]
    public async Task EachPerson_GetsTheSingleCallsDecision_InRequestOrder()
    {
        var granted = await CreateAsync("0812-3456-0001", granted: true);
        var unknown = await CreateAsync("0812-3456-0002", granted: false);
        var missing = Guid.NewGuid();

        var items = await BulkAsync(new
        {
            contactIds = new[] { granted, missing, unknown },
            phones = new List<string> { "+6281234560002", "0812-9999-0003" },
            message = Template,
        });

        Assert.Equal(5, items.Length);
        Assert.Equal(
            [(granted, true), (missing, false), (unknown, true)],
            items[..3].Select(i => (i.GetProperty("contactId").GetGuid(), i.GetProperty("found").GetBoolean())));
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("decision").ValueKind);
        Assert.Equal("opted_in", items[0].GetProperty("decision").GetProperty("reason").GetString());
        Assert.Equal("no_consent", items[2].GetProperty("decision").GetProperty("reason").GetString());

        // A phone of a known contact is that contact; a phone never seen is a person with no state.
        Assert.Equal((unknown, true, "+6281234560002"), (items[3].GetProperty("contactId").GetGuid(), items[3].GetProperty("found").GetBoolean(), items[3].GetProperty("phone").GetString()));
        Assert.Equal((JsonValueKind.Null, false, "+6281299990003"), (items[4].GetProperty("contactId").ValueKind, items[4].GetProperty("found").GetBoolean(), items[4].GetProperty("phone").GetString()));

        Assert.Equal(await SingleAsync(new { contactId = granted, message = Template }), items[0].GetProperty("decision").GetRawText());
        Assert.Equal(await SingleAsync(new { contactId = unknown, message = Template }), items[2].GetProperty("decision").GetRawText());
        Assert.Equal(await SingleAsync(new { phone = "0812-9999-0003", message = Template }), items[4].GetProperty("decision").GetRawText());
        Assert.Equal(2, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task ThousandsOfPeople_AcrossReadChunks_AreAllDecided()
    {
        const int count = 6_000; // more than one read of 5,000
        var now = app.Time.GetUtcNow().UtcDateTime;
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await app.WithDbAsync(async d =>
        {
            d.Contacts.AddRange(ids.Select((id, i) => new Contact
            {
                Id = id,
                Phone = $"+6281377{i:000000}",
                WhatsAppConsent = i % 2 == 0 ? Kabar.Consent.ConsentState.Granted : Kabar.Consent.ConsentState.Withdrawn,
                LastInboundAt = i % 3 == 0 ? now.AddHours(-1) : null,
                CreatedAt = now,
                UpdatedAt = now,
            }));
            return await d.SaveChangesAsync();
        });

        var items = await BulkAsync(new
        {
            contactIds = ids,
            phones = Enumerable.Range(0, count).Select(i => $"081377{i:000000}").ToArray(),
            message = Template,
        });

        Assert.Equal(2 * count, items.Length);
        Assert.All(items, i => Assert.True(i.GetProperty("found").GetBoolean()));
        Assert.Equal(ids.Concat(ids), items.Select(i => i.GetProperty("contactId").GetGuid()));
        Assert.Equal(
            Enumerable.Range(0, 2 * count).Select(i => i % count % 2 == 0 ? "opted_in" : "opted_out"),
            items.Select(i => i.GetProperty("decision").GetProperty("reason").GetString()));

        // Read straight from the database, the times and states decide as in the single call.
        Assert.Equal(count / 3 * 2, items.Count(i => i.GetProperty("decision").GetProperty("windowOpen").GetBoolean()));
        foreach (var i in new[] { 0, 1, 2, 3, 5999 })
        {
            Assert.Equal(await SingleAsync(new { contactId = ids[i], message = Template }), items[i].GetProperty("decision").GetRawText());
        }
    }

    [Fact]
    public async Task BadInput_Is422NamingTheField()
    {
        async Task<JsonElement> ProblemAsync(object request)
        {
            using var response = await api.PostAsJsonAsync("/api/decisions/bulk", request);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            return (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("errors");
        }

        var tooMany = await ProblemAsync(new { contactIds = Enumerable.Range(0, 100_001).Select(_ => Guid.Empty).ToArray(), message = Template });
        Assert.Contains("100,000", tooMany.GetProperty("contactIds")[0].GetString(), StringComparison.Ordinal);

        var badPhone = await ProblemAsync(new { phones = new List<string> { "0812-3456-0001", "halo" }, message = Template });
        Assert.True(badPhone.TryGetProperty("phones[1]", out _));
        Assert.False(badPhone.TryGetProperty("phones[0]", out _));

        var nobody = await ProblemAsync(new { message = Template });
        Assert.True(nobody.TryGetProperty("contactIds", out _));

        var noMessage = await ProblemAsync(new { phones = new List<string> { "0812-3456-0001" }, message = new { kind = "voice" } });
        Assert.True(noMessage.TryGetProperty("message.kind", out _));
    }
}

public sealed class BulkDecisionsApiTests_Sqlite(PostgresServer postgres) : BulkDecisionsApiTests(Db.Sqlite, postgres);

public sealed class BulkDecisionsApiTests_Postgres(PostgresServer postgres) : BulkDecisionsApiTests(Db.Postgres, postgres);
