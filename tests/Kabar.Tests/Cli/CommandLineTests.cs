using System.Text.RegularExpressions;
using Kabar.Common;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Cli;

/// <summary>
/// The <c>kabar</c> command line as an operator meets it, run as its own process: unknown options
/// and commands refused before anything runs, help and the version, exit codes, and results on
/// standard output with the logs kept to standard error.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"kabar-cli-{Guid.NewGuid():N}");

    public CommandLineTests() => Directory.CreateDirectory(folder);

    /// <summary>A database that does not exist yet: a command that runs creates it, one that is refused does not.</summary>
    private string Database => Path.Combine(folder, "kabar.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Kabar's own defaults on a fresh SQLite file, migrated by the command as on a new server.</summary>
    private Task<CliRun> KabarAsync(params string[] args) => KabarWithInputAsync(null, args);

    private Task<CliRun> KabarWithInputAsync(string? stdin, params string[] args) =>
        KabarCliRunner.RunAsync(new Dictionary<string, string>
        {
            ["Kabar__Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Kabar"] = $"Data Source={Database}",
            ["Kabar__Email__OutboxPath"] = Path.Combine(folder, "outbox"),
        }, stdin, args);

    [Fact]
    public async Task AdminAdd_UnknownPasswordOption_IsRefusedWithItsUsage_AndAddsNobody()
    {
        var run = await KabarAsync("admin", "add", "kepala@karokab.go.id", "--password", "secret");

        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("'--password'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("kabar admin add <EMAIL> [options]", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--password-stdin", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Database), "a refused command must not touch the database\n" + run);
    }

    [Fact]
    public async Task ImportPermits_MisspeltDryRun_IsRefused_AndImportsNothing()
    {
        var csv = Path.Combine(folder, "izin.csv");
        await File.WriteAllTextAsync(csv, "external_ref,permit_type,status,holder_phone\nTYPO-1,Izin Usaha,issued,081277779201\n",
            TestContext.Current.CancellationToken);

        var run = await KabarAsync("import", "permits", csv, "--dryrun");

        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("'--dryrun'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--dry-run", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Database), "a refused import must not touch the database\n" + run);
    }

    [Fact]
    public async Task Import_MissingFile_ExitsTwo_ForPermitsAndContactsAlike()
    {
        var missing = Path.Combine(folder, "tidak-ada.csv");
        foreach (var what in new[] { "permits", "contacts" })
        {
            var run = await KabarAsync("import", what, missing);

            Assert.True(run.Code == 2, $"import {what}: {run}");
            Assert.Equal("", run.Stdout);
            Assert.Equal($"kabar: no file '{missing}'.", run.Stderr.Trim());
        }
    }

    [Fact]
    public async Task AdminAdd_DefaultLogLevels_PrintsOnlyThePassword_AndNoInformationOnStderr()
    {
        // A fresh database: the command migrates it first, as on a new server.
        var run = await KabarAsync("admin", "add", "kepala@karokab.go.id", "--role", "admin");

        Assert.True(run.Code == 0, run.ToString());
        var password = Assert.Single(run.StdoutLines);
        Assert.Matches("^[A-Za-z0-9_-]{20}$", password);
        Assert.Equal("Operator kepala@karokab.go.id (admin) added. The password above is shown only now.", run.Stderr.Trim());
    }

    [Fact]
    public async Task AdminAdd_ExplicitInformationLevel_IsHonoured_OnStderrOnly()
    {
        var run = await KabarAsync("admin", "add", "kepala@karokab.go.id", "--Logging:LogLevel:Default=Information");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Matches("^[A-Za-z0-9_-]{20}$", Assert.Single(run.StdoutLines));
        Assert.Contains("info: Kabar.Admin.OperatorStore", run.Stderr, StringComparison.Ordinal);
        var logged = Assert.Single(run.Stderr.Split('\n'), l => l.Contains("added with role viewer", StringComparison.Ordinal));
        Assert.Contains("@karokab.go.id", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("kepala@", logged, StringComparison.Ordinal); // masked, as every log line
    }

    [Fact]
    public async Task AdminAdd_PasswordFromStdin_PrintsNothingOnStdout()
    {
        var run = await KabarWithInputAsync("correct horse battery staple\n", "admin", "add", "kepala@karokab.go.id", "--password-stdin");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Equal("Operator kepala@karokab.go.id (viewer) added.", run.Stderr.Trim());
    }

    public static TheoryData<string, string[]> CommandsAndTheirOptions => new()
    {
        { "", ["--version", "--help", "serve", "migrate", "apikey", "admin", "consent", "job", "import", "export", "backup", "simulator"] },
        { "serve", ["kabar serve [options]", "--urls"] },
        { "migrate", ["kabar migrate [options]"] },
        { "apikey create", ["<NAME>", "--read-only"] },
        { "apikey revoke", ["<NAME>"] },
        { "admin add", ["<EMAIL>", "--role <admin|operator|viewer>", "--password-stdin"] },
        { "consent verify", ["kabar consent verify [options]"] },
        { "job run", ["<NAME>", "expiry-reminders"] },
        { "import permits", ["<FILE>", "--dry-run", "--encoding <ENCODING>"] },
        { "import contacts", ["<FILE>", "--dry-run", "--encoding <ENCODING>"] },
        { "export", ["--consented", "--out <FILE|DIR>", "contacts", "verify", "key"] },
        { "export contacts", ["--consented", "--out <FILE|DIR>"] },
        { "export verify", ["<FILE>", "--manifest <MANIFEST>", "--public-key <PEM|FINGERPRINT>"] },
        { "export key", ["kabar export key [options]"] },
        { "backup", ["--out <FILE|DIR>", "--force", "pg_dump"] },
        { "simulator", ["--urls URL", "--Kabar:Simulator:WebhookUrl"] },
    };

    [Theory]
    [MemberData(nameof(CommandsAndTheirOptions))]
    public async Task Help_OnEveryCommand_ExitsZero_AndNamesItsOptions(string command, string[] expected)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var help in new[] { "--help", "-h" })
        {
            var run = await KabarAsync([.. words, help]);

            Assert.True(run.Code == 0, $"{command} {help}: {run}");
            Assert.Equal("", run.Stderr);
            Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
            foreach (var text in expected)
            {
                Assert.True(run.Stdout.Contains(text, StringComparison.Ordinal), $"'{text}' missing from {command} {help}:\n{run}");
            }
        }

        Assert.False(File.Exists(Database), "help must not run the command");
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["nonsense"], "kabar [command] [options]" },
        { ["admin", "add"], "kabar admin add <EMAIL> [options]" },
        { ["admin", "add", "x@karokab.go.id", "--role", "root"], "kabar admin add <EMAIL> [options]" },
        { ["backup"], "kabar backup [options]" },
        { ["export", "verify"], "kabar export verify <FILE> [options]" },
        { ["export", "verify", "f.csv", "--manfest", "m.json"], "kabar export verify <FILE> [options]" },
        { ["export", "--consented", "key"], "kabar export key [options]" },
        { ["job", "run", "retention", "now"], "kabar job run <NAME> [options]" },
        { ["apikey"], "kabar apikey [command] [options]" },
        { ["migrate", "--force"], "kabar migrate [options]" },
        { ["--version", "migrate"], "kabar migrate [options]" },
        { ["migrate", "--urls"], "kabar migrate [options]" },
        { ["simulator", "--webhook", "http://127.0.0.1:1"], "kabar simulator [options]" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task UsageError_ExitsTwo_WithTheCommandsUsageOnStderr(string[] args, string usage)
    {
        var run = await KabarAsync(args);

        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("Usage:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(usage, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Database), "a refused command must not touch the database\n" + run);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwo_NamingIt_WithTheCommandsOnStderr()
    {
        var run = await KabarAsync("restore", "--out", "x.db");

        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("Unrecognized command or argument 'restore'.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Commands:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("backup", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate --Kabar:DataProtection:Key=not-a-key", "kabar: Kabar:DataProtection:Key is not base64.")]
    [InlineData("serve --urls http://127.0.0.1:0 --Kabar:Sms:Provider=Http", "kabar: Kabar:Sms:Http:Token is required when Kabar:Sms:Provider is Http")]
    public async Task SettingThatCannotWork_ExitsOne_NamingTheKeyOnStderr_WithoutAStackTrace(string command, string line)
    {
        var run = await KabarAsync(command.Split(' '));

        Assert.True(run.Code == 1, run.ToString());
        Assert.Contains(run.Stderr.Split('\n'), l => l.StartsWith(line, StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheReleaseAndCommit_AndExitsZero()
    {
        var run = await KabarAsync("--version");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal(KabarHost.Version, run.Stdout.Trim());
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9a-f]{7})?$"), run.Stdout.Trim());
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task HostSettings_InBothForms_AnywhereOnTheLine_ReachTheHost()
    {
        var elsewhere = Path.Combine(folder, "elsewhere.db");

        // "--key value", after the command: the migration goes to that file, not to the environment's.
        var migrate = await KabarAsync("migrate", "--ConnectionStrings:Kabar", $"Data Source={elsewhere}", "--urls", "http://127.0.0.1:1");
        Assert.True(migrate.Code == 0, migrate.ToString());
        Assert.Equal("Database is up to date.", migrate.Stdout.Trim());
        Assert.True(File.Exists(elsewhere), migrate.ToString());
        Assert.False(File.Exists(Database), migrate.ToString());

        // "--key=value", before the command.
        var verify = await KabarAsync($"--ConnectionStrings:Kabar=Data Source={elsewhere}", "--Kabar:Database:MigrateOnStartup=false",
            "consent", "verify");
        Assert.True(verify.Code == 0, verify.ToString());
        Assert.Equal("Consent ledger intact: 0 event(s) across 0 contact(s).", verify.Stdout.Trim());
        Assert.False(File.Exists(Database), verify.ToString());
    }
}
