using System.Text;
using System.Text.Json;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Transfers;

/// <summary>The permit import shares the contact import's checks: formula cells and non-UTF-8 cells are refused by column.</summary>
public sealed class PermitImportChecksTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(Db.Sqlite, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task PermitImport_RefusesFormulaAndWindows1252Cells_ByColumn_AndReadsTheFileWhenToldItsEncoding()
    {
        var csv = Encoding.UTF8.GetBytes("""
            external_ref,permit_type,status,holder_phone,holder_name
            P-1,Izin Usaha,issued,+6281277775101,Siti
            P-2,=cmd|' /C calc'!A0,issued,081277775102,Budi
            P-3,Izin Usaha,issued,081277775103,Jos
            """.Replace("\r\n", "\n", StringComparison.Ordinal)).Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        using var api = app.Api();
        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new("text/csv");
        using var response = await api.PostAsync("/api/imports/permits", content);
        var report = await KabarApp.ReadAsync<JsonElement>(response);
        Assert.Equal([(3, "permit_type"), (4, "holder_name")], TransferSupport.Errors(report));
        Assert.Equal(1, report.GetProperty("created").GetInt32());

        using var again = new ByteArrayContent(csv);
        again.Headers.ContentType = new("text/csv");
        using var latin = await api.PostAsync("/api/imports/permits?encoding=windows-1252", again);
        Assert.Equal([(3, "permit_type")], TransferSupport.Errors(await KabarApp.ReadAsync<JsonElement>(latin)));
        Assert.Equal("José", await app.WithDbAsync(d => d.Contacts.Where(c => c.Phone == "+6281277775103").Select(c => c.Name).SingleAsync()));
    }
}
