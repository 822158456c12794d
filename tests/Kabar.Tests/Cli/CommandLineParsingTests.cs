using Kabar.Cli;

namespace Kabar.Tests.Cli;

/// <summary>
/// Which arguments are host settings (for the host builder) and which the command line parses:
/// the boundary that lets <c>--Kabar:…</c> settings through while refusing a misspelt option.
/// </summary>
public sealed class CommandLineParsingTests
{
    [Fact]
    public void Parse_WhatTheTestHostPasses_IsServe_WithEveryArgumentForTheHost()
    {
        // WebApplicationFactory turns its settings into arguments, each parent section as "--X=".
        string[] args =
        [
            "--Kabar=", "--Kabar:Api=", "--Kabar:Api:Keys=", "--Kabar:Api:Keys:0=test-key", "--Kabar:Jobs:SchedulerEnabled=false",
            "--environment=Testing", "--contentRoot=/work/src/Kabar", "--ConnectionStrings=",
            "--ConnectionStrings:Kabar=Data Source=/tmp/kabar-test.db", "--applicationName=kabar",
        ];

        var command = KabarCommandLine.Parse(args);

        Assert.Empty(command.Errors);
        Assert.True(command.NeedsKabar);
        Assert.True(command.IsServe);
        Assert.Equal(args, command.HostArgs);
    }

    [Fact]
    public void Parse_HostSettingsInBothForms_GoToTheHost_AndTheCommandKeepsTheRest()
    {
        var command = KabarCommandLine.Parse(
        [
            "--urls", "http://127.0.0.1:5080", "import", "permits", "izin.csv", "--Kabar:Api:Keys:0=KEY", "--dry-run",
            "--ConnectionStrings:Kabar", "Data Source=/var/lib/kabar/kabar.db", "--Logging:LogLevel:Default=Information",
            "--HTTP_PORTS=8080",
        ]);

        Assert.Empty(command.Errors);
        Assert.Equal("import permits", command.CommandName);
        Assert.False(command.IsServe);
        Assert.Equal(
            [
                "--urls", "http://127.0.0.1:5080", "--Kabar:Api:Keys:0=KEY", "--ConnectionStrings:Kabar", "Data Source=/var/lib/kabar/kabar.db",
                "--Logging:LogLevel:Default=Information", "--HTTP_PORTS=8080",
            ],
            command.HostArgs);
    }

    [Theory]
    [InlineData("--dryrun")]
    [InlineData("--dryrun=true")]
    [InlineData("--Kabar=")] // a section marker with no setting of that section beside it
    [InlineData("--dry_run")]
    [InlineData("-n")]
    public void Parse_AnythingElseThatLooksLikeAnOption_IsAUsageError(string option)
    {
        var command = KabarCommandLine.Parse(["import", "permits", "izin.csv", option]);

        Assert.NotEmpty(command.Errors);
        Assert.False(command.NeedsKabar);
        Assert.Empty(command.HostArgs);
    }

    [Fact]
    public void Parse_HostSettingWithoutItsValue_IsAUsageError()
    {
        var command = KabarCommandLine.Parse(["export", "contacts", "--out", "/srv/exports/", "--urls"]);

        Assert.False(command.NeedsKabar);
        Assert.Equal("The host setting '--urls' needs a value: --urls=VALUE or --urls VALUE.", Assert.Single(command.Errors));
    }

    [Fact]
    public void Parse_AfterDoubleDash_EverythingBelongsToTheCommand()
    {
        // A file whose name looks like a setting is still the file.
        var command = KabarCommandLine.Parse(["import", "contacts", "--", "--Kabar:X=1.csv"]);

        Assert.Empty(command.Errors);
        Assert.Empty(command.HostArgs);
        Assert.Equal("import contacts", command.CommandName);
    }

    [Fact]
    public void Parse_NoArguments_IsServe()
    {
        var command = KabarCommandLine.Parse([]);

        Assert.True(command.IsServe);
        Assert.Empty(command.HostArgs);
    }

    [Theory]
    [InlineData("export", "--consented", "key")]
    [InlineData("export", "--out", "/tmp/", "verify", "f.csv")]
    public void Parse_ExportsOwnOptionsBeforeASubcommand_AreAUsageError(params string[] args)
    {
        var command = KabarCommandLine.Parse(args);

        Assert.Contains("--consented and --out go after the subcommand: kabar export contacts [--consented] [--out FILE|DIR].", command.Errors);
    }
}
