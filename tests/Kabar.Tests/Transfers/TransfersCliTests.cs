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

        var dry = await KabarCliRunner.RunAsync(app, "import", "contacts", input, "--dry-run");
        Assert.True(dry.Code == 1, dry.ToString());
        Assert.Contains("Dry run, nothing written", dry.Stdout);
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        var import = await KabarCliRunner.RunAsync(app, "import", "contacts", input);
        Assert.True(import.Code == 1, import.ToString());
        Assert.Contains("line 4, column phone:", import.Stdout);
        Assert.Contains("line 7, column name: This cell is not UTF-8", import.Stdout);
        Assert.Contains("3 new, 0 updated, 0 unchanged, 8 rejected; 2 consent(s) recorded", import.Stdout);
        Assert.Equal(3, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        var export = await KabarCliRunner.RunAsync(app, "export", "contacts", "--consented", "--out", folder + "/");
        Assert.True(export.Code == 0, export.ToString());
        var csv = Assert.Single(Directory.GetFiles(folder, "contacts-*.csv"));
        Assert.Matches(@"contacts-\d{8}-\d{6}\.csv$", csv);
        Assert.True(File.Exists(csv + ".manifest.json"), export.ToString());
        Assert.Contains("Exported 1 consented contact(s)", export.Stdout);
        Assert.Equal(1, await app.WithDbAsync(d => d.Exports.CountAsync(e => e.State == "completed" && e.RequestedBy.StartsWith("cli:"))));

        var key = await KabarCliRunner.RunAsync(app, "export", "key");
        Assert.True(key.Code == 0, key.ToString());
        var fingerprint = key.Stdout.Split('\n')[0]["Fingerprint: ".Length..].Trim();
        Assert.Contains("BEGIN PUBLIC KEY", key.Stdout);

        var ok = await KabarCliRunner.RunAsync(app, "export", "verify", csv, "--public-key", fingerprint);
        Assert.True(ok.Code == 0, ok.ToString());
        Assert.Contains("INTACT", ok.Stdout);
        Assert.Contains("office's key", ok.Stdout);

        // An auditor's machine with neither the office's database nor its published key: the file
        // matches its manifest, but that alone proves nothing about who signed it.
        var elsewhere = Path.Combine(Path.GetTempPath(), $"kabar-auditor-{Guid.NewGuid():N}.db");
        try
        {
            var unpinned = await KabarCliRunner.RunAsync(Db.Sqlite, $"Data Source={elsewhere}", "export", "verify", csv);
            Assert.True(unpinned.Code == 3, unpinned.ToString());
            Assert.Contains("SIGNER NOT CHECKED", unpinned.Stdout);
            Assert.DoesNotContain("INTACT", unpinned.Stdout);
        }
        finally
        {
            File.Delete(elsewhere);
        }

        // One character: Siti becomes Sita.
        var text = await File.ReadAllTextAsync(csv, Encoding.UTF8);
        await File.WriteAllTextAsync(csv, text.Replace("Siti Aminah", "Sita Aminah", StringComparison.Ordinal), new UTF8Encoding(true));
        var bad = await KabarCliRunner.RunAsync(app, "export", "verify", csv);
        Assert.True(bad.Code == 1, bad.ToString());
        Assert.Contains("ALTERED", bad.Stdout);
        Assert.Contains("line 2 (row 1, contact", bad.Stdout);
        Assert.Contains("SHA-256", bad.Stdout);

        // A manifest signed by someone else's key is not the office's.
        var other = await KabarCliRunner.RunAsync(app, "export", "verify", csv, "--public-key", "sha256:" + new string('0', 64));
        Assert.True(other.Code == 1, other.ToString());
        Assert.Contains("not with the office's key", other.Stdout);

        File.Delete(csv + ".manifest.json");
        var missing = await KabarCliRunner.RunAsync(app, "export", "verify", csv);
        Assert.True(missing.Code == 2, missing.ToString());
        Assert.Contains("no manifest", missing.Stderr);
    }
}
