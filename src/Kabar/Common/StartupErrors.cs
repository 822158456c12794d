using Microsoft.Extensions.Options;

namespace Kabar.Common;

/// <summary>
/// Turns a start-up failure caused by the settings into the lines an operator reads (the key and
/// what would be accepted), so <c>kabar</c> exits 1 with them instead of aborting with a stack trace.
/// </summary>
public static class StartupErrors
{
    /// <summary>Kabar runs as its own process (<c>dotnet kabar.dll</c>), not inside a test host.</summary>
    public static bool OwnProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupErrors).Assembly;

    /// <summary>The settings' complaints, one per line, or null when the failure is not about settings.</summary>
    public static string? Describe(Exception error)
    {
        var lines = new List<string>();
        Collect(error, lines);
        return lines.Count == 0 ? null : string.Join(Environment.NewLine, lines.Distinct(StringComparer.Ordinal));
    }

    private static void Collect(Exception error, List<string> lines)
    {
        switch (error)
        {
            case OptionsValidationException options:
                lines.AddRange(options.Failures);
                break;
            case KabarConfigurationException configuration:
                lines.Add(configuration.Message);
                break;
            case AggregateException many:
                foreach (var inner in many.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                break;
            case { InnerException: { } inner }:
                Collect(inner, lines);
                break;
        }
    }
}
