using Kabar.SiCantik;

namespace Kabar.Tests.SiCantik;

/// <summary>SiCantik's answers as its server writes them: JSON, XML with HTML entities, error objects.</summary>
public sealed class SiCantikBodyTests
{
    [Fact]
    public void Json_ListOfRows_ReadsEveryValueAsText()
    {
        var (rows, error) = SiCantikBody.Read("""[{"pendaftaran_id":"0142307703072025","n_pemohon":"dr. ROSTIAWANI SEMBIRING","no_surat":"503\/0112\/SIPD\/DPM-PTSP\/2024","num_rows":"57","current":1,"x":null}]""");

        Assert.Null(error);
        var row = Assert.Single(rows);
        Assert.Equal("0142307703072025", row["pendaftaran_id"]);
        Assert.Equal("503/0112/SIPD/DPM-PTSP/2024", row["no_surat"]);
        Assert.Equal("1", row["current"]);
        Assert.Null(row["x"]);
    }

    [Fact]
    public void Json_ErrorObject_IsTheServersMessage()
    {
        var (rows, error) = SiCantikBody.Read("""{"error":"Tidak ada data.."}""");

        Assert.Empty(rows);
        Assert.Equal("Tidak ada data..", error);
    }

    [Fact]
    public void Xml_AsTheServerWritesIt_WithHtmlEntitiesAndEmptyElements()
    {
        var body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<xml><item><pendaftaran_id>0003200001082017</pendaftaran_id>"
            + "<n_pemohon>Ren&eacute; &amp; Sons &lt;CV&gt;</n_pemohon><telp_pemohon/><current>1</current></item>"
            + "<item><pendaftaran_id>0003300001082017</pendaftaran_id><n_pemohon>Br&nbsp;Ginting</n_pemohon></item></xml>\n";

        var (rows, error) = SiCantikBody.Read(body);

        Assert.Null(error);
        Assert.Equal(2, rows.Count);
        Assert.Equal("René & Sons <CV>", rows[0]["n_pemohon"]);
        Assert.Null(rows[0]["telp_pemohon"]);
        Assert.Equal("1", rows[0]["current"]);
        Assert.Equal("Br\u00a0Ginting", rows[1]["n_pemohon"]);
    }

    [Fact]
    public void Xml_Error_IsTheServersMessage()
    {
        var (rows, error) = SiCantikBody.Read("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<xml><error>Tidak ada data..</error></xml>\n");

        Assert.Empty(rows);
        Assert.Equal("Tidak ada data..", error);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body>")]
    [InlineData("[{\"pendaftaran_id\":")]
    [InlineData("\"just a string\"")]
    [InlineData("<xml><item>&bogus;</item></xml>")]
    public void NotSiCantik_IsAFormatException(string body)
    {
        Assert.Throws<FormatException>(() => SiCantikBody.Read(body));
    }
}
