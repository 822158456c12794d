using System.Reflection;

namespace Kabar.Common;

/// <summary>
/// How a Kabar process starts: its content root, its default settings, its version. A published
/// folder runs the same from any working directory (a systemd unit, a shell in <c>/</c>, a cron job).
/// </summary>
public static class KabarHost
{
    /// <summary>
    /// Settings that hold when no file, variable or argument says otherwise, below every other
    /// source: EF Core's SQL commands and the HTTP client's request lines are not operational news,
    /// and at Information they would print every statement (and, for the command line, mix them into its output).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Microsoft.Extensions.Http"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>
    /// The web application builder over <paramref name="args"/> (host settings such as
    /// <c>--urls</c> or <c>--Kabar:X=…</c>). Its content root is the application's own folder,
    /// where <c>appsettings.json</c>, <c>calendar/</c> and <c>wwwroot/</c> are, unless
    /// <c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or <c>DOTNET_CONTENTROOT</c> sets it.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = ContentRootIsSet(args) ? null : AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        return builder;
    }

    /// <summary>
    /// The builder for a command other than <c>serve</c>: its results go to standard output, so every
    /// log line goes to standard error, and only at Warning and above unless
    /// <c>Logging:LogLevel:*</c> is set in the environment or on the command line. The levels in
    /// <c>appsettings.json</c> are the server's: a command placed above them, below the variables
    /// and arguments, leaves an operator's explicit choice in force.
    /// </summary>
    public static WebApplicationBuilder CreateCommandBuilder(string[] args)
    {
        var builder = CreateBuilder(args);
        var sources = builder.Configuration.Sources;
        var afterFiles = sources.Select((source, index) => source is Microsoft.Extensions.Configuration.FileConfigurationSource ? index + 1 : 0).Max();
        sources.Insert(Math.Max(afterFiles, 1), new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = CommandDefaults });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        return builder;
    }

    /// <summary>The log level of a command other than <c>serve</c> when nothing explicit says otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, string?> CommandDefaults = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static bool ContentRootIsSet(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));

    /// <summary>
    /// The release and the commit it was built from (<c>1.0.0+3f8fa10</c>): the assembly's
    /// informational version, the commit shortened to seven characters.
    /// </summary>
    public static string Version { get; } = ShortVersion(
        typeof(KabarHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(KabarHost).Assembly.GetName().Version?.ToString() ?? "0.0.0");

    internal static string ShortVersion(string informational)
    {
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 && informational.Length - plus - 1 > 7 ? informational[..(plus + 8)] : informational;
    }
}
