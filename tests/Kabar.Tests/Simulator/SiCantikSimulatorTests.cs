using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kabar.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Simulator;

/// <summary>The standalone SiCantik simulator answers over real HTTP as SiCantik's REST controller does (SPEC §7).</summary>
public sealed class SiCantikSimulatorTests : IAsyncLifetime
{
    private const string Api = "/backoffice/api/";
    private const string Control = "/sicantik/control/";
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    private const string Doctor = "dr. RÉ & B/C <x> \"q\" 's";
    private WebApplication app = null!;
    private HttpClient http = null!;
    private SiCantikSimulator sim = null!;

    public async ValueTask InitializeAsync()
    {
        app = await SimulatorHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        sim = app.Services.GetRequiredService<SiCantikSimulator>();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private SiCantikApplicationView OneDoctor()
    {
        sim.Seed(0, 0, 1);
        return sim.Add(Doctor, "0812-3456-7890", "IZIN PRAKTEK DOKTER UMUM");
    }

    [Fact]
    public async Task List_Default_ExactXmlAndHeaders()
    {
        var a = OneDoctor();

        var (status, body, response) = await GetAsync(Api + "listpermohonanproses/limit/10/offset/0");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Declaration + $"<xml><item><pendaftaran_id>{a.PendaftaranId}</pendaftaran_id>"
            + "<n_pemohon>dr. R&Eacute; &amp; B/C &lt;x&gt; \"q\" 's</n_pemohon><n_perizinan>IZIN PRAKTEK DOKTER UMUM</n_perizinan>"
            + "<num_rows>1</num_rows></item></xml>\n", body);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("*", response.Headers.GetValues("access-control-allow-origin").Single());
        Assert.True(response.Headers.CacheControl is { NoCache: true, NoStore: true, MustRevalidate: true }, response.Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        Assert.Equal("0", response.Content.Headers.GetValues("Expires").Single());
        Assert.Matches("^[0-9]{5}023[0-9]{2}[0-9]{6}$", a.PendaftaranId);

        var (_, count, _) = await GetAsync(Api + "jumlahPerizinan");
        Assert.Equal(Declaration + $"<xml><item><jumlahPerizinan>{SiCantikSimulator.PermitTypes.Count}</jumlahPerizinan></item></xml>\n", count);
    }

    [Theory]
    [InlineData("listpermohonanproses?limit=10&offset=0&format=json", null)]
    [InlineData("listpermohonanproses/limit/10/offset/0/format/json", null)]
    [InlineData("listpermohonanproses/limit/10/offset/0.json", null)]
    [InlineData("listpermohonanproses/limit/10/offset/0", "application/json")]
    [InlineData("listpermohonanproses/limit/10/offset/0", "text/html, application/json")]
    public async Task List_JsonSwitch_PhpJson(string path, string? accept)
    {
        var a = OneDoctor();

        var (status, body, response) = await GetAsync(Api + path, accept);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"[{{\"pendaftaran_id\":\"{a.PendaftaranId}\",\"n_pemohon\":\"dr. R\\u00c9 & B\\/C <x> \\\"q\\\" 's\","
            + "\"n_perizinan\":\"IZIN PRAKTEK DOKTER UMUM\",\"num_rows\":\"1\"}]", body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]
    [InlineData("application/xml, application/json")]
    public async Task List_OtherAccept_Xml(string accept)
    {
        OneDoctor();
        var (_, body, _) = await GetAsync(Api + "listpermohonanproses/limit/10/offset/0", accept);
        Assert.StartsWith(Declaration + "<xml><item>", body);
    }

    [Fact]
    public async Task List_PastTheEnd_404WithExactBody()
    {
        OneDoctor();

        var xml = await GetAsync(Api + "listpermohonanproses/limit/10/offset/1");
        var json = await GetAsync(Api + "listpermohonanterbit?limit=10&offset=1&format=json");

        Assert.Equal(HttpStatusCode.NotFound, xml.Status);
        Assert.Equal(Declaration + "<xml><error>Tidak ada data..</error></xml>\n", xml.Body);
        Assert.Equal(HttpStatusCode.NotFound, json.Status);
        Assert.Equal("{\"error\":\"Tidak ada data..\"}", json.Body);
    }

    [Theory]
    [InlineData("listpermohonanproses/limit/10", HttpStatusCode.NotFound)]
    [InlineData("listpermohonanterbit?offset=5", HttpStatusCode.NotFound)]
    [InlineData("listpermohonanproses/limit/10/offset/x", HttpStatusCode.InternalServerError)]
    [InlineData("listpermohonanproses/limit/x/offset/0", HttpStatusCode.NotFound)]
    [InlineData("permohonan2?pendaftaran=999999", HttpStatusCode.InternalServerError)]
    [InlineData("permohonan2?pendaftaran=abc", HttpStatusCode.InternalServerError)]
    [InlineData("permohonan2", HttpStatusCode.NotFound)]
    public async Task BrokenQuery_EmptyBody(string path, HttpStatusCode expected)
    {
        OneDoctor();

        var (status, body, response) = await GetAsync(Api + path + (path.Contains('?') ? "&" : "?") + "format=json");

        Assert.Equal(expected, status);
        Assert.Equal("", body);
        Assert.False(response.Headers.Contains("access-control-allow-origin"));
    }

    [Fact]
    public async Task OffsetZero_Works_UnlessTheFaultIsOn()
    {
        OneDoctor();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Api + "listpermohonanproses?limit=5&offset=0")).Status);

        using var put = await http.PutAsJsonAsync(Control + "faults", new { offsetZero = true });
        put.EnsureSuccessStatusCode();
        var (status, body, _) = await GetAsync(Api + "listpermohonanproses?limit=5&offset=0");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("", body);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Api + "listpermohonanproses?limit=5&offset=1")).Status);
        // PHP's !$value refuses the text "0" only: "00" passes, and MySQL reads it as 0.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Api + "listpermohonanproses?limit=5&offset=00")).Status);
    }

    [Fact]
    public async Task Cekperizinan_ByBase64_FieldsInOrder_404WhenUnknown()
    {
        sim.Seed(6, 0, 1);
        var permit = sim.Applications().First(a => a.Issued);
        Assert.Equal(permit.NoSurat, Encoding.UTF8.GetString(Convert.FromBase64String(permit.NoIzin!)));

        var (status, body, _) = await GetAsync(Api + "cekperizinan?format=json&no_izin=" + Uri.EscapeDataString(permit.NoIzin!));
        var segment = await GetAsync(Api + "cekperizinan/no_izin/" + permit.NoIzin + "/format/json");
        var unknown = await GetAsync(Api + "cekperizinan?format=json&no_izin=" + Convert.ToBase64String("503/9999/X/2026"u8.ToArray()));
        var decoded = await GetAsync(Api + "cekperizinan?format=json&no_izin=" + Uri.EscapeDataString(permit.NoSurat!));

        Assert.Equal(HttpStatusCode.OK, status);
        var row = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
        Assert.Equal(["pendaftaran_id", "n_pemohon", "n_perizinan", "no_surat", "d_terima_berkas", "d_berlaku_izin", "a_pemohon", "telp_pemohon",
            "tgl_surat", "n_perusahaan", "npwp", "a_perusahaan", "d_tgl_berdiri", "i_telp_perusahaan", "n_kecamatan", "n_kabupaten", "n_propinsi",
            "n_kelurahan"], row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(permit.NoSurat, row.GetProperty("no_surat").GetString());
        Assert.Equal(permit.PendaftaranId, row.GetProperty("pendaftaran_id").GetString());
        Assert.Equal(body, segment.Body);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("{\"error\":\"Tidak ada data..\"}", unknown.Body);
        Assert.Equal(HttpStatusCode.NotFound, decoded.Status);
    }

    /// <summary>
    /// A permit number of plain letters, digits, dots, dashes and slashes never base64-encodes to <c>+</c>
    /// or <c>/</c>; one typed with stray characters does, and then only a URL-encoded value is found.
    /// </summary>
    [Theory]
    [InlineData("503/0112/SIPD/DPM-PTSP/2026 ?>", '+')]
    [InlineData("503/0112/SIPD/DPM-PTSP/2026 >?", '/')]
    public async Task Cekperizinan_PlusOrSlashInBase64_FoundWhenUrlEncoded(string noSurat, char special)
    {
        var a = OneDoctor();
        var permit = sim.Issue(a.PendaftaranId, null, noSurat)!;
        Assert.Contains(special, permit.NoIzin!);

        var (status, body, _) = await GetAsync(Api + "cekperizinan?no_izin=" + Uri.EscapeDataString(permit.NoIzin!));
        var raw = await GetAsync(Api + "cekperizinan?no_izin=" + permit.NoIzin);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<no_surat>{noSurat.Replace(">", "&gt;", StringComparison.Ordinal)}</no_surat>", body);
        Assert.Equal(special == '+' ? HttpStatusCode.NotFound : HttpStatusCode.OK, raw.Status); // PHP's parse_str reads a bare + as a space
    }

    [Fact]
    public async Task Permohonan2_CurrentOnlyOnLastHistoryRow_ThenFutureSteps()
    {
        var a = OneDoctor();
        sim.Advance(a.PendaftaranId);
        sim.Advance(a.PendaftaranId);

        var (status, body, _) = await GetAsync(Api + "permohonan2?format=json&pendaftaran=" + a.PendaftaranId.TrimStart('0'));
        var xml = await GetAsync(Api + "permohonan2/pendaftaran/" + a.PendaftaranId);

        Assert.Equal(HttpStatusCode.OK, status);
        var rows = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        Assert.Equal(["2", "3", "5", "7", "17", "14"], rows.Select(r => r.GetProperty("trstspermohonan_id").GetString()));
        Assert.Equal([false, false, true, false, false, false], rows.Select(r => r.TryGetProperty("current", out _)));
        Assert.Equal(JsonValueKind.Number, rows[2].GetProperty("current").ValueKind);
        Assert.Equal(1, rows[2].GetProperty("current").GetInt32());
        Assert.Equal(["pendaftaran_id", "n_pemohon", "a_pemohon", "telp_pemohon", "n_sts_permohonan", "n_perizinan", "trstspermohonan_id", "current"],
            rows[2].EnumerateObject().Select(p => p.Name));
        Assert.Contains("<trstspermohonan_id>5</trstspermohonan_id><current>1</current></item>", xml.Body);
        Assert.Single(xml.Body.Split("<current>").Skip(1));
    }

    [Fact]
    public async Task Permohonan_FieldsAndTracking_404WhenUnknown()
    {
        var a = OneDoctor();

        var (status, body, _) = await GetAsync(Api + "permohonan?format=json&pendaftaran=" + a.PendaftaranId);
        var unknown = await GetAsync(Api + "permohonan/pendaftaran/0000000000000000/format/json");

        Assert.Equal(HttpStatusCode.OK, status);
        var row = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
        Assert.Equal(["id", "no_pendaftaran", "nama", "telp", "alamat", "permohonan", "tracking"], row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["1", a.PendaftaranId, Doctor, "0812-3456-7890", "IZIN PRAKTEK DOKTER UMUM", "Menerima dan Memeriksa Berkas"],
            row.EnumerateObject().Where(p => p.Name != "alamat").Select(p => p.Value.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("{\"error\":\"Tidak ada data..\"}", unknown.Body);
    }

    [Fact]
    public async Task UnknownMethod_404()
    {
        var (status, body, _) = await GetAsync(Api + "listpermohonanbatal/limit/5/offset/0");
        var json = await GetAsync(Api + "nothing?format=json");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Declaration + "<xml><error>Unknown method.</error></xml>\n", body);
        Assert.Equal("{\"error\":\"Unknown method.\"}", json.Body);
    }

    [Fact]
    public async Task Jenisperizinanlist_SortedByName_AllStrings()
    {
        var (_, body, _) = await GetAsync(Api + "jenisPerizinanList?format=json");
        var rows = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();

        Assert.Equal(SiCantikSimulator.PermitTypes.Count, rows.Count);
        Assert.Equal(rows.Select(r => r.GetProperty("jenis_perizinan").GetString()).Order(StringComparer.OrdinalIgnoreCase),
            rows.Select(r => r.GetProperty("jenis_perizinan").GetString()));
        Assert.All(rows, r => Assert.All(r.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind)));
        Assert.Equal("[{\"jumlahPerizinan\":9}]", (await GetAsync(Api + "jumlahPerizinan?format=json")).Body);
    }

    [Fact]
    public async Task Fail500_AfterRequests_ForCount()
    {
        OneDoctor();
        using var put = await http.PutAsJsonAsync(Control + "faults", new { fail500 = new { endpoint = "listpermohonanproses", afterRequests = 1, count = 2 } });
        put.EnsureSuccessStatusCode();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await GetAsync(Api + "listpermohonanproses/limit/5/offset/0")).Status);
        }

        var other = await GetAsync(Api + "jumlahPerizinan");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }

    [Fact]
    public async Task Slow_DelaysAnswers_UntilCleared()
    {
        sim.Faults = new SiCantikFaults(SlowMs: 400);
        var watch = Stopwatch.StartNew();
        await GetAsync(Api + "jumlahPerizinan");
        Assert.True(watch.ElapsedMilliseconds >= 390, $"{watch.ElapsedMilliseconds} ms");

        using var delete = await http.DeleteAsync(Control + "faults");
        watch.Restart();
        await GetAsync(Api + "jumlahPerizinan");
        Assert.True(watch.ElapsedMilliseconds < 390, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task XmlOnly_IgnoresFormatAndAccept()
    {
        sim.Faults = new SiCantikFaults(XmlOnly: true);

        var (_, body, response) = await GetAsync(Api + "jumlahPerizinan?format=json", "application/json");

        Assert.StartsWith(Declaration, body);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task AddAdvanceIssue_MovesFromProsesToTerbit()
    {
        sim.Seed(0, 0, 1);
        using var add = await http.PostAsJsonAsync(Control + "applications", new { name = "MALEM GINTING", phone = "+62 812 3456 7890", permitType = "IZIN GANGGUAN USAHA (HO)" });
        var a = (await add.Content.ReadFromJsonAsync<SiCantikApplicationView>())!;
        Assert.Equal(2, a.StepId);
        Assert.Contains(a.PendaftaranId, (await GetAsync(Api + "listpermohonanproses/limit/5/offset/0")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Api + "listpermohonanterbit/limit/5/offset/0")).Status);

        using var advance = await http.PostAsync(Control + $"applications/{a.PendaftaranId}/advance", null);
        Assert.Equal(3, (await advance.Content.ReadFromJsonAsync<SiCantikApplicationView>())!.StepId);
        using var issue = await http.PostAsJsonAsync(Control + $"applications/{a.PendaftaranId}/issue", new { expires = "2031-01-31" });
        var issued = (await issue.Content.ReadFromJsonAsync<SiCantikApplicationView>())!;
        sim.Add();

        Assert.True(issued.Issued);
        Assert.Equal(17, issued.StepId);
        Assert.Equal("2031-01-31", issued.BerlakuIzin);
        Assert.Matches(@"^503\.530\.570/0001/DPMPPTSP-DS/\d\d/\d{4}/KK$", issued.NoSurat);
        var terbit = await GetAsync(Api + "listpermohonanterbit/limit/5/offset/0/format/json");
        var row = JsonDocument.Parse(terbit.Body).RootElement.EnumerateArray().Single();
        Assert.Equal(a.PendaftaranId, row.GetProperty("pendaftaran_id").GetString());
        Assert.Equal(issued.NoSurat, row.GetProperty("no_surat").GetString());
        Assert.Equal("1", row.GetProperty("num_rows").GetString()); // the count query counts what is in process
        Assert.DoesNotContain(a.PendaftaranId, (await GetAsync(Api + "listpermohonanproses/limit/5/offset/0")).Body);
        using var unknown = await http.PostAsync(Control + "applications/123/advance", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Stats_CountRequests_AndMostInOneSecond()
    {
        using var seed = await http.PostAsJsonAsync(Control + "seed", new { issued = 3, inProcess = 2, seed = 7 });
        seed.EnsureSuccessStatusCode();
        for (var i = 0; i < 4; i++)
        {
            await GetAsync(Api + "listpermohonanterbit/limit/2/offset/0");
        }

        await GetAsync(Api + "jumlahPerizinan");
        var stats = (await http.GetFromJsonAsync<SiCantikStats>(Control + "stats"))!;

        Assert.Equal(5, stats.Requests);
        Assert.Equal(4, stats.ByEndpoint["listpermohonanterbit"]);
        Assert.Equal(1, stats.ByEndpoint["jumlahperizinan"]);
        Assert.Equal(5, stats.MaxPerSecond);
    }

    [Fact]
    public async Task Start_SeedsFromSettings()
    {
        await using var configured = await SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kabar:Simulator:SiCantik:Issued"] = "3",
            ["Kabar:Simulator:SiCantik:InProcess"] = "2",
            ["Kabar:Simulator:SiCantik:Seed"] = "42",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var applications = configured.Services.GetRequiredService<SiCantikSimulator>().Applications();

        Assert.Equal(3, applications.Count(a => a.Issued));
        Assert.Equal(2, applications.Count(a => !a.Issued));
        sim.Seed(3, 2, 42);
        Assert.Equal(sim.Applications(), applications);
    }

    [Fact]
    public void Seed_SameSeed_SameData_OtherSeed_Other()
    {
        sim.Seed(12, 6, 42);
        var first = sim.Applications();
        sim.Seed(12, 6, 42);
        var again = sim.Applications();
        sim.Seed(12, 6, 43);
        var other = sim.Applications();

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(a => a.PendaftaranId), other.Select(a => a.PendaftaranId));
        Assert.Equal(12, first.Count(a => a.Issued));
        Assert.Equal(6, first.Count(a => !a.Issued));
        Assert.All(first, a => Assert.Matches("^[0-9]{16}$", a.PendaftaranId));
        Assert.Equal(first.Count, first.Select(a => a.PendaftaranId).Distinct().Count());
        Assert.Equal(first.Count(a => a.Issued), first.Where(a => a.Issued).Select(a => a.NoSurat).Distinct().Count());
    }
}
