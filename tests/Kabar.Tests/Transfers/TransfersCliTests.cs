using System.Text;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Transfers;

/// <summary>
/// <c>kabar import contacts</c>, <c>kabar export contacts</c>, <c>kabar export verify</c> and
/// <c>kabar export key</c> as an operator and an auditor run them.
/// </summary>
public sealed class TransfersCliTests(PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"kabar-transfers-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        app = await KabarApp.StartAsync(Db.Sqlite, postgres);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Cli_ImportsWithAReport_ExportsWithAManifest_AndVerifyCatchesAOneCharacterEdit()
    {
        var input = Path.Combine(folder, "kontak.csv");
        await File.WriteAllBytesAsync(input, TransferSupport.MixedFile());

        var (dryCode, dryOut) = await KabarCliRunner.RunAsync(app, "import", "contacts", input, "--dry-run");
        Assert.True(dryCode == 1, dryOut);
        Assert.Contains("Dry run, nothing written", dryOut);
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        var (importCode, importOut) = await KabarCliRunner.RunAsync(app, "import", "contacts", input);
        Assert.True(importCode == 1, importOut);
        Assert.Contains("line 4, column phone:", importOut);
        Assert.Contains("line 7, column name: This cell is not UTF-8", importOut);
        Assert.Contains("3 new, 0 updated, 0 unchanged, 8 rejected; 2 consent(s) recorded", importOut);
        Assert.Equal(3, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        var (exportCode, exportOut) = await KabarCliRunner.RunAsync(app, "export", "contacts", "--consented", "--out", folder + "/");
        Assert.True(exportCode == 0, exportOut);
        var csv = Assert.Single(Directory.GetFiles(folder, "contacts-*.csv"));
        Assert.Matches(@"contacts-\d{8}-\d{6}\.csv$", csv);
        Assert.True(File.Exists(csv + ".manifest.json"), exportOut);
        Assert.Contains("Exported 1 consented contact(s)", exportOut);
        Assert.Equal(1, await app.WithDbAsync(d => d.Exports.CountAsync(e => e.State == "completed" && e.RequestedBy.StartsWith("cli:"))));

        var (keyCode, keyOut) = await KabarCliRunner.RunAsync(app, "export", "key");
        Assert.True(keyCode == 0, keyOut);
        var fingerprint = keyOut.Split('\n')[0]["Fingerprint: ".Length..].Trim();
        Assert.Contains("BEGIN PUBLIC KEY", keyOut);

        var (okCode, okOut) = await KabarCliRunner.RunAsync(app, "export", "verify", csv, "--public-key", fingerprint);
        Assert.True(okCode == 0, okOut);
        Assert.Contains("INTACT", okOut);
        Assert.Contains("office's key", okOut);

        // An auditor's machine with neither the office's database nor its published key: the file
        // matches its manifest, but that alone proves nothing about who signed it.
        var elsewhere = Path.Combine(Path.GetTempPath(), $"kabar-auditor-{Guid.NewGuid():N}.db");
        try
        {
            var (unpinnedCode, unpinnedOut) = await KabarCliRunner.RunAsync(Db.Sqlite, $"Data Source={elsewhere}", "export", "verify", csv);
            Assert.True(unpinnedCode == 3, unpinnedOut);
            Assert.Contains("SIGNER NOT CHECKED", unpinnedOut);
            Assert.DoesNotContain("INTACT", unpinnedOut);
        }
        finally
        {
            File.Delete(elsewhere);
        }

        // One character: Siti becomes Sita.
        var text = await File.ReadAllTextAsync(csv, Encoding.UTF8);
        await File.WriteAllTextAsync(csv, text.Replace("Siti Aminah", "Sita Aminah", StringComparison.Ordinal), new UTF8Encoding(true));
        var (badCode, badOut) = await KabarCliRunner.RunAsync(app, "export", "verify", csv);
        Assert.True(badCode == 1, badOut);
        Assert.Contains("ALTERED", badOut);
        Assert.Contains("line 2 (row 1, contact", badOut);
        Assert.Contains("SHA-256", badOut);

        // A manifest signed by someone else's key is not the office's.
        var (otherCode, otherOut) = await KabarCliRunner.RunAsync(app, "export", "verify", csv, "--public-key", "sha256:" + new string('0', 64));
        Assert.Equal(1, otherCode);
        Assert.Contains("not with the office's key", otherOut);

        File.Delete(csv + ".manifest.json");
        var (missingCode, missingOut) = await KabarCliRunner.RunAsync(app, "export", "verify", csv);
        Assert.True(missingCode == 2, missingOut);
        Assert.Contains("no manifest", missingOut);
    }
}
