using System.Net;
using System.Net.Http.Json;
using System.Text;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Transfers;

/// <summary>
/// <c>POST /api/imports/contacts</c> (SPEC §9): every bad row reported by line and column, good rows
/// in, nothing written by a dry run, nothing new on a second run, and no consent without evidence.
/// </summary>
public abstract class ContactImportTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Import_MixedFile_ReportsEachBadRow_GoodRowsGoIn_DryRunWritesNothing_ReimportChangesNothing()
    {
        var file = TransferSupport.MixedFile();

        var dry = await app.ImportAsync(file, "?dryRun=true");
        Assert.Equal((11, 3, 0, 0, 8, 2), TransferSupport.Counts(dry));
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.ConsentEvents.CountAsync()));

        var report = await app.ImportAsync(file);
        Assert.Equal((11, 3, 0, 0, 8, 2), TransferSupport.Counts(report));
        Assert.Equal(TransferSupport.MixedFileErrors, TransferSupport.Errors(report));
        var reasons = report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("reason").GetString()!).ToList();
        Assert.Contains("line 2", reasons[1]);                 // the duplicate names the first occurrence
        Assert.Contains("formula", reasons[2]);
        Assert.Contains("UTF-8", reasons[3]);
        Assert.Contains("Windows-1252", reasons[3]);
        Assert.Contains("brosur-v9", reasons[5]);

        // The good rows are in: Siti with her consent and its evidence, Budi without consent,
        // Dewi's recorded withdrawal. Nobody from a rejected row.
        var contacts = await app.WithDbAsync(d => d.Contacts.AsNoTracking().OrderBy(c => c.Phone).ToListAsync());
        Assert.Equal(["+6281277770001", "+6281277770002", "+6281277770011"], contacts.Select(c => c.Phone));
        Assert.Equal([ConsentState.Granted, ConsentState.Unknown, ConsentState.Withdrawn], contacts.Select(c => c.WhatsAppConsent));
        var siti = await app.WithDbAsync(d => d.ConsentEvents.AsNoTracking().SingleAsync(e => e.ContactId == contacts[0].Id));
        Assert.Equal((ConsentSource.Import, "daftar-v1", new DateTime(2024, 3, 14, 17, 0, 0, DateTimeKind.Utc)),
            (siti.Source, siti.TextVersion, siti.OccurredAt));
        Assert.NotNull(siti.TextHash);
        Assert.Contains("formulir loket", siti.Note);
        Assert.Equal(2, await app.WithDbAsync(d => d.ConsentEvents.CountAsync()));

        // Again: nothing new, nothing changed, the same rows rejected.
        var stamps = contacts.Select(c => c.UpdatedAt).ToList();
        app.Time.Advance(TimeSpan.FromHours(1));
        var again = await app.ImportAsync(file);
        Assert.Equal((11, 0, 0, 3, 8, 0), TransferSupport.Counts(again));
        Assert.Empty(again.GetProperty("notes").EnumerateArray());
        Assert.Equal(2, await app.WithDbAsync(d => d.ConsentEvents.CountAsync()));
        Assert.Equal(stamps, await app.WithDbAsync(d => d.Contacts.OrderBy(c => c.Phone).Select(c => c.UpdatedAt).ToListAsync()));
    }

    [Fact]
    public async Task Import_OlderConsentThanALaterStop_IsNotRecorded_TheStopStands()
    {
        var contact = await app.PostContactAsync(new { phone = "0812-7777-0101", name = "Rina" });
        var id = contact.GetProperty("id").GetGuid();
        using (var api = app.Api())
        {
            using var stop = await api.PostAsJsonAsync($"/api/contacts/{id}/consent", new { granted = false, source = "api", occurredAt = "2025-09-01T00:00:00Z" });
            await Http.AssertStatusAsync(stop, HttpStatusCode.Created);
        }

        var report = await app.ImportAsync("""
            phone,name,consent,consent_source,consent_at,text_version
            081277770101,Rina,granted,formulir loket,2025-01-10,daftar-v1
            """);
        Assert.Equal((1, 0, 0, 1, 0, 0), TransferSupport.Counts(report));
        Assert.Equal([(2, "consent_at")], TransferSupport.Errors(report, "notes"));
        Assert.Equal(ConsentState.Withdrawn, await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == id).Select(c => c.WhatsAppConsent).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(d => d.ConsentEvents.CountAsync()));

        // A consent given after the stop is new evidence: it is recorded and wins.
        var later = await app.ImportAsync("""
            phone,consent,consent_source,consent_at,text_version
            081277770101,granted,formulir loket,2026-02-01T10:00:00+07:00,daftar-v1
            """);
        Assert.Equal((1, 0, 1, 0, 0, 1), TransferSupport.Counts(later));
        Assert.Equal(ConsentState.Granted, await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == id).Select(c => c.WhatsAppConsent).SingleAsync()));
    }

    [Fact]
    public async Task Import_Windows1252File_IsReadWhenSaidSo_AndAForgottenEncodingIsNamed()
    {
        var csv = Encoding.UTF8.GetBytes("phone,name\n081277770201,Jos").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(" Ramos\n")).ToArray();
        var refused = await app.ImportAsync(csv);
        Assert.Equal([(2, "name")], TransferSupport.Errors(refused));

        var read = await app.ImportAsync(csv, "?encoding=windows-1252");
        Assert.Equal(1, read.GetProperty("created").GetInt32());
        Assert.Equal("José Ramos", await app.WithDbAsync(d => d.Contacts.Select(c => c.Name).SingleAsync()));

        // A UTF-8 file with a BOM (Excel's "CSV UTF-8"), separated by semicolons, reads as it is.
        var bom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("phone;name\n081277770202;Ñoño Ayu\n")).ToArray();
        Assert.Equal(1, (await app.ImportAsync(bom)).GetProperty("created").GetInt32());
        Assert.Equal("Ñoño Ayu", await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == "+6281277770202").Select(c => c.Name).SingleAsync()));

        using var api = app.Api();
        using var bad = await api.PostAsync("/api/imports/contacts?encoding=ebcdic", new StringContent("phone\n", Encoding.UTF8, "text/csv"));
        await Http.AssertStatusAsync(bad, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("windows-1252", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Import_RowsWithPermits_CreateThePermitsOfTheirPerson_WithoutNotices()
    {
        var report = await app.ImportAsync("""
            phone,name,external_ref,permit_type,status,expires_on
            081277770301,Made,IMP-C1,Izin Usaha,issued,2027-05-01
            081277770301,,IMP-C2,Reklame,issued,2027-06-01
            081277770301,Made Lain,IMP-C3,Reklame,issued,2027-06-01
            081277770302,Komang,IMP-C4,Izin Usaha,approved,
            """);
        Assert.Equal((4, 1, 0, 1, 2, 0), TransferSupport.Counts(report));
        Assert.Equal([(4, "phone"), (5, "status")], TransferSupport.Errors(report));
        Assert.Equal((2, 0), (report.GetProperty("permitsCreated").GetInt32(), report.GetProperty("permitsUpdated").GetInt32()));
        var holder = await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == "+6281277770301").Select(c => c.Id).SingleAsync());
        Assert.Equal(["IMP-C1", "IMP-C2"], await app.WithDbAsync(d => d.Permits.Where(p => p.HolderContactId == holder).OrderBy(p => p.ExternalRef).Select(p => p.ExternalRef).ToListAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Notifications.CountAsync()));
    }

    [Fact]
    public async Task Import_PermitColumnsWithoutExternalRef_MatchByPermitNumber_OrImportThePersonWithANote()
    {
        // An office's own list: the permit number it knows, or only the kind of permit.
        var report = await app.ImportAsync("""
            phone,name,permit_number,permit_type,status
            081277770501,Ani,503/IU/2025,Izin Usaha,issued
            081277770502,Budi,,Izin Reklame,
            081277770503,Citra,,Izin Reklame,
            """);
        Assert.Empty(TransferSupport.Errors(report));
        Assert.Equal((3, 0, 1), (report.GetProperty("created").GetInt32(), report.GetProperty("rejected").GetInt32(),
            report.GetProperty("permitsCreated").GetInt32()));
        Assert.Equal("503/IU/2025", await app.WithDbAsync(d => d.Permits.Select(p => p.ExternalRef).SingleAsync()));
        var notes = report.GetProperty("notes").EnumerateArray()
            .Select(n => (n.GetProperty("line").GetInt32(), n.GetProperty("column").GetString(), n.GetProperty("reason").GetString())).ToList();
        Assert.Equal([(3, "permit_type", global::Kabar.Transfers.ContactImporter.PermitWithoutReference), (4, "permit_type", global::Kabar.Transfers.ContactImporter.PermitWithoutReference)], notes);

        // The console says it once, in Indonesian, with the lines.
        var group = Assert.Single(Kabar.Pages.Admin.ImportReasonGroup.Of(
            notes.Select(n => new Kabar.Common.ImportRowError(n.Item1, n.Item2!, n.Item3!)), english: false));
        Assert.Equal(("permit_type", "3, 4"), (group.Column, group.LineList));
        Assert.StartsWith("Orangnya diimpor tanpa izin", group.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ARenewalOfAnUnknownPermit_IsRefusedWhole_AndLeavesThePersonsLedgerWhole()
    {
        // The person's consent on one line, a renewal of a permit Kabar never saw on the next.
        var report = await app.ImportAsync("""
            phone,name,consent,consent_source,consent_at,text_version,external_ref,permit_type,status,expires_on,renewal_of
            081277770401,Wayan,granted,formulir loket,2025-02-01,daftar-v1,IMP-R1,Izin Usaha,issued,2027-05-01,
            081277770401,Wayan,,,,,IMP-R2,Izin Usaha,issued,2028-05-01,IMP-NOWHERE
            """);
        Assert.Equal([(3, "renewal_of")], TransferSupport.Errors(report));
        var contact = await app.WithDbAsync(d => d.Contacts.AsNoTracking().SingleAsync(c => c.Phone == "+6281277770401"));
        var events = await app.WithDbAsync(d => d.ConsentEvents.AsNoTracking().Where(e => e.ContactId == contact.Id).ToListAsync());
        Assert.Equal((Kabar.Consent.ConsentState.Granted, 1, 1), (contact.WhatsAppConsent, contact.LedgerSeq, events.Count));

        // The person can still stop: the ledger and the contact agree on where the chain is.
        using var api = app.Api();
        using var stop = await api.PostAsJsonAsync($"/api/contacts/{contact.Id}/consent", new { scope = "whatsapp", granted = false, source = "api" });
        await Http.AssertStatusAsync(stop, System.Net.HttpStatusCode.Created);
        var verify = await KabarCliRunner.RunAsync(app, "consent", "verify");
        Assert.True(verify.Code == 0, verify.ToString());
    }

    [Fact]
    public async Task Import_WithoutAPhoneColumn_NamesIt_AndAReadOnlyKeyCannotImport()
    {
        var report = await app.ImportAsync("nomor,nama\n0812,Ani\n");
        Assert.Equal([(1, "phone")], TransferSupport.Errors(report));

        using var reader = app.Api(KabarApp.ReadOnlyApiKey);
        using var refused = await reader.PostAsync("/api/imports/contacts", new StringContent("phone\n081277770401\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }
}

public sealed class ContactImportTests_Sqlite(PostgresServer postgres) : ContactImportTests(Db.Sqlite, postgres);

public sealed class ContactImportTests_Postgres(PostgresServer postgres) : ContactImportTests(Db.Postgres, postgres);
