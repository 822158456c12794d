using System.Net.Http.Json;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Consent;

/// <summary>The ledger is tamper-evident (SPEC §3): an edit in the database is found and located.</summary>
public abstract class ConsentChainTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    protected KabarApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync() => App = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    /// <summary>A contact with three events: form grant, admin withdrawal, keyword grant.</summary>
    protected async Task<(Guid Contact, List<ConsentEvent> Events)> SeedAsync(string phone = "081234567890")
    {
        using var api = App.Api();
        using var created = await api.PostAsJsonAsync("/api/contacts", new
        {
            phone,
            consent = new { granted = true, source = "registration_form", textVersion = "daftar-v1", ip = "203.0.113.7", userAgent = "Mozilla/5.0" },
        });
        var id = (await KabarApp.ReadAsync<ContactResponse>(created)).Id;
        using var withdrawn = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { granted = false, source = "admin", @operator = "petugas" });
        var waId = phone.StartsWith('0') ? "62" + phone[1..] : phone;
        await App.PostWebhookOkAsync(Meta.Envelope(Meta.Messages(Meta.Text(waId, "wamid.M-" + phone, App.Time.GetUtcNow(), "MULAI"))));
        var events = await App.WithDbAsync(d => d.ConsentEvents.AsNoTracking().Where(e => e.ContactId == id).OrderBy(e => e.Seq).ToListAsync());
        Assert.Equal(3, events.Count);
        return (id, events);
    }

    protected Task<ChainReport> VerifyAsync() =>
        App.WithDbAsync(d => new ConsentVerifier(d).VerifyAsync(CancellationToken.None));

    [Fact]
    public async Task UntouchedLedger_IsIntact()
    {
        await SeedAsync();
        await SeedAsync("081299990001");
        var report = await VerifyAsync();
        Assert.True(report.Intact, string.Join("; ", report.Breaks));
        Assert.Equal((2, 6), (report.Contacts, report.Events));
    }

    [Fact]
    public async Task EditedIpAddress_IsFoundAtThatEvent()
    {
        var (contact, events) = await SeedAsync();
        await SeedAsync("081299990001");
        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[0].Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Ip, "198.51.100.9")));

        var b = Assert.Single((await VerifyAsync()).Breaks);
        Assert.Equal((contact, 1, events[0].Id), (b.ContactId, b.Seq, b.EventId));
        Assert.Contains("IP address", b.Problem);
    }

    [Fact]
    public async Task FlippedAction_IsFoundAsAHashMismatch_EvenWithTheStateEditedToMatch()
    {
        var (contact, events) = await SeedAsync();
        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[1].Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Action, ConsentAction.Granted)));

        var b = Assert.Single((await VerifyAsync()).Breaks);
        Assert.Equal((contact, 2), (b.ContactId, b.Seq));
        Assert.Contains("edited", b.Problem);
    }

    [Fact]
    public async Task BackdatedEvent_IsFound()
    {
        var (_, events) = await SeedAsync();
        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[2].Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.OccurredAt, events[2].OccurredAt.AddDays(-30))));
        Assert.Equal(3, Assert.Single((await VerifyAsync()).Breaks).Seq);
    }

    [Fact]
    public async Task DeletedMiddleEvent_IsFoundAsAGap()
    {
        var (contact, events) = await SeedAsync();
        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[1].Id).ExecuteDeleteAsync());
        var b = Assert.Single((await VerifyAsync()).Breaks);
        Assert.Equal((contact, 2), (b.ContactId, b.Seq));
        Assert.Contains("missing", b.Problem);
    }

    [Fact]
    public async Task DeletedLatestEvent_IsFoundAgainstTheContactsHead()
    {
        var (contact, events) = await SeedAsync();
        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[2].Id).ExecuteDeleteAsync());
        Assert.Equal(contact, Assert.Single((await VerifyAsync()).Breaks).ContactId);
    }

    [Fact]
    public async Task EditedCurrentState_WithoutALedgerEvent_IsFound()
    {
        var (contact, _) = await SeedAsync();
        await App.WithDbAsync(d => d.Contacts.Where(c => c.Id == contact)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.WhatsAppConsent, ConsentState.Withdrawn)));
        Assert.Contains("consent state", Assert.Single((await VerifyAsync()).Breaks).Problem);
    }
}

public sealed class ConsentChainTests_Sqlite(PostgresServer postgres) : ConsentChainTests(Db.Sqlite, postgres)
{
    /// <summary><c>kabar consent verify</c> as an operator runs it: exit 0 when intact, 1 naming the contact when not.</summary>
    [Fact]
    public async Task ConsentVerifyCommand_ExitsNonZeroAndNamesTheBrokenContact()
    {
        var (contact, events) = await SeedAsync();
        var connection = App.Services.GetRequiredService<IConfiguration>().GetConnectionString("Kabar")!;

        var intact = await KabarCliRunner.RunAsync(Db.Sqlite, connection, "consent", "verify");
        Assert.True(intact.Code == 0, intact.ToString());
        Assert.Contains("intact", intact.Stdout);

        await App.WithDbAsync(d => d.ConsentEvents.Where(e => e.Id == events[1].Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Operator, "someone-else")));
        var broken = await KabarCliRunner.RunAsync(Db.Sqlite, connection, "consent", "verify");
        Assert.True(broken.Code == 1, broken.ToString());
        Assert.Contains(contact.ToString(), broken.Stdout);
        Assert.Contains("#2", broken.Stdout);
    }
}

public sealed class ConsentChainTests_Postgres(PostgresServer postgres) : ConsentChainTests(Db.Postgres, postgres);
