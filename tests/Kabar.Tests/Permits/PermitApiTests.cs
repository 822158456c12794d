using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Permits;

/// <summary><c>POST /api/permits</c> and <c>GET /api/permits/{id}</c>: upsert, validation, idempotent replay (SPEC §9, §13).</summary>
public abstract class PermitApiTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task NewPermit_Is201_SamePermitAgain_Is200AndCreatesNothingNew()
    {
        var body = PermitSupport.Permit("SICANTIK-2026-000123", "issued", "0812-7777-5001", expiresOn: "2027-11-25");
        var created = await app.PostPermitAsync(body);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("SICANTIK-2026-000123", created.GetProperty("externalRef").GetString());
        Assert.Equal("issued", created.GetProperty("status").GetString());
        Assert.Equal("2027-11-25", created.GetProperty("expiresOn").GetString());
        var holder = created.GetProperty("holderContactId").GetGuid();
        Assert.Equal("+6281277775001", await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == holder).Select(c => c.Phone).SingleAsync()));

        var again = await app.PostPermitAsync(body, HttpStatusCode.OK);
        Assert.Equal(id, again.GetProperty("id").GetGuid());

        // Fields left out keep their values.
        var partial = await app.PostPermitAsync(new { externalRef = "SICANTIK-2026-000123", permitType = "Izin Usaha Mikro", status = "issued", holder = new { phone = "081277775001" } }, HttpStatusCode.OK);
        Assert.Equal(("2027-11-25", "503/SICANTIK-2026-000123"), (partial.GetProperty("expiresOn").GetString(), partial.GetProperty("permitNumber").GetString()));
        var notices = await app.PermitNotificationsAsync(id);
        Assert.Equal("permit_ready", Assert.Single(notices).Type);
        Assert.Equal($"permit:{id}:issued", notices[0].IdempotencyKey);

        using var api = app.Api();
        var read = await KabarApp.ReadAsync<JsonElement>(await api.GetAsync($"/api/permits/{id}"));
        Assert.Equal("permit_ready", read.GetProperty("notifications")[0].GetProperty("type").GetString());
        using var missing = await api.GetAsync($"/api/permits/{Guid.NewGuid()}");
        await Http.AssertStatusAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StatusChanges_EachCreateOneStatusUpdate_EvenWhenAStatusComesBack()
    {
        var id = (await app.PostPermitAsync(PermitSupport.Permit("REF-S1", "submitted", "081277775002", issuedOn: null))).GetProperty("id").GetGuid();
        Assert.Empty(await app.PermitNotificationsAsync(id));

        foreach (var status in new[] { "needs_documents", "in_review", "needs_documents", "needs_documents" })
        {
            await app.PostPermitAsync(PermitSupport.Permit("REF-S1", status, "081277775002", issuedOn: null), HttpStatusCode.OK);
        }

        var updates = await app.PermitNotificationsAsync(id, "status_update");
        Assert.Equal(3, updates.Count);
        var last = updates[2].Params();
        Assert.Equal(("REF-S1", "Sedang diproses", "Perlu kelengkapan dokumen"), (last["registration_id"], last["old_status"], last["new_status"]));
        Assert.Equal("25-11-2026 10:00 WIB", last["changed_at"]);
        Assert.Equal("https://perizinan.example.id/status/1", last["detail_link"]);
    }

    [Fact]
    public async Task RegistrationId_IsTheStatusUpdatesReference()
    {
        var body = new
        {
            externalRef = "REF-R1",
            permitType = "PBG",
            status = "submitted",
            registrationId = "DAFTAR-2026-0042",
            holder = new { phone = "081277775003", name = "Budi" },
        };
        var id = (await app.PostPermitAsync(body)).GetProperty("id").GetGuid();
        await app.PostPermitAsync(body with { }, HttpStatusCode.OK);
        await app.PostPermitAsync(new { body.externalRef, body.permitType, status = "in_review", body.holder }, HttpStatusCode.OK);
        var update = Assert.Single(await app.PermitNotificationsAsync(id, "status_update"));
        Assert.Equal("DAFTAR-2026-0042", update.Params()["registration_id"]);
    }

    [Fact]
    public async Task InvalidPermit_Is422NamingEveryBadField()
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/permits", new
        {
            externalRef = "",
            permitType = "Izin Usaha",
            status = "approved",
            holder = new { phone = "12345", email = "not-an-email" },
            issuedOn = "25/11/2026",
            expiresOn = "2026-01-01",
            links = new { download = "ftp://x" },
            documents = new[] { new { name = "SK", role = "boss", assignee = new { phone = "081277775004" } } },
        });
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("errors");
        foreach (var field in new[] { "externalRef", "status", "holder.phone", "holder.email", "issuedOn", "links.download", "documents[0].role" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        Assert.Contains("'submitted'", errors.GetProperty("status")[0].GetString());
        Assert.Contains("YYYY-MM-DD", errors.GetProperty("issuedOn")[0].GetString());
        Assert.Equal(0, await app.WithDbAsync(d => d.Permits.CountAsync()));
    }

    [Fact]
    public async Task RenewalOfAnUnknownPermit_Is422NamingRenewalOf_AndWritesNothing()
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/permits",
            PermitSupport.Permit("REF-NEW", "issued", "081277775005", expiresOn: "2028-01-01", renewalOf: "REF-NOWHERE"));
        await Http.AssertStatusAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("renewalOf", await response.Content.ReadAsStringAsync());
        Assert.Equal((0, 0), await app.WithDbAsync(async d => (await d.Permits.CountAsync(), await d.Contacts.CountAsync())));
    }

    [Fact]
    public async Task RevokedPermit_CancelsItsWaitingExpiryReminder()
    {
        // 7 days before expiry on Wednesday 2 December, in office hours: the reminder is queued now.
        var id = (await app.PostPermitAsync(PermitSupport.Permit("REF-X1", "issued", "081277775006", expiresOn: "2026-12-02"))).GetProperty("id").GetGuid();
        await app.RunJobAsync("expiry-reminders");
        var reminder = Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning"));
        Assert.Equal((NotificationState.Queued, "7"), (reminder.State, reminder.Params()["remaining_days"]));

        await app.PostPermitAsync(PermitSupport.Permit("REF-X1", "revoked", "081277775006", expiresOn: "2026-12-02"), HttpStatusCode.OK);
        Assert.Equal(NotificationState.Cancelled, Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning")).State);
        var update = Assert.Single(await app.PermitNotificationsAsync(id, "status_update"));
        Assert.Equal("Dicabut", update.Params()["new_status"]);

        // A revoked permit is not scanned again.
        await app.RunJobAsync("expiry-reminders");
        Assert.Single(await app.PermitNotificationsAsync(id, "permit_expiry_warning"));
    }
}

public sealed class PermitApiTests_Sqlite(PostgresServer postgres) : PermitApiTests(Db.Sqlite, postgres);

public sealed class PermitApiTests_Postgres(PostgresServer postgres) : PermitApiTests(Db.Postgres, postgres);
