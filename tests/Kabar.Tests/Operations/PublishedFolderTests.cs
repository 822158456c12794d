using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kabar.Common;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Operations;

/// <summary>
/// Kabar as a service runs it: <c>dotnet /opt/kabar/kabar.dll</c> from a working directory that is
/// not the application's folder (systemd, a shell in <c>/</c>). It must still read its own
/// <c>appsettings.json</c>, keep its data beside itself, and keep SQL out of its log.
/// </summary>
public sealed class PublishedFolderTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"kabar-published-{Guid.NewGuid():N}");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(root);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The application's own build folder (src/Kabar/bin/…), copied: a folder like a published one.</summary>
    private string CopyApplication()
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var source = testBin.Replace(Path.Combine("tests", "Kabar.Tests", "bin"), Path.Combine("src", "Kabar", "bin"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(source, "kabar.dll")), $"no build of Kabar at {source}");
        var target = Path.Combine(root, "app");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("data" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue; // a developer's own database
            }

            var to = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    [Fact]
    public async Task StartedFromAnotherDirectory_ReadsItsOwnSettings_KeepsDataBesideIt_AndLogsNoSql()
    {
        var app = CopyApplication();
        var settingsFile = Path.Combine(app, "appsettings.json");
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(settingsFile))!.AsObject();
        settings["Kabar"]!["Office"]!["Name"] = "Kantor Uji Folder Terbit";
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());
        var elsewhere = Directory.CreateDirectory(Path.Combine(root, "elsewhere")).FullName;

        var url = $"http://127.0.0.1:{KabarProcess.FreePort()}";
        await using var kabar = KabarProcess.Start(elsewhere, ["--urls", url], Path.Combine(app, "kabar.dll"));
        await kabar.WaitUntilReadyAsync(url, TimeSpan.FromSeconds(60));

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Contains("Kantor Uji Folder Terbit", await client.GetStringAsync("/daftar"), StringComparison.Ordinal);
        var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal(KabarHost.Version, health.GetProperty("version").GetString());
        Assert.Matches(@"^1\.0\.0(\+[0-9a-f]{7})?$", KabarHost.Version);

        Assert.True(File.Exists(Path.Combine(app, "data", "kabar.db")), "the database is not in data/ beside the application");
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.DoesNotContain("Executed DbCommand", kabar.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CREATE TABLE", kabar.Output, StringComparison.Ordinal);
    }
}
