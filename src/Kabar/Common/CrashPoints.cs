using System.Diagnostics;

namespace Kabar.Common;

/// <summary>
/// Fault injection for the durability proof (SPEC §6): when <c>Kabar:Testing:CrashAt</c> names a
/// point, the process kills itself (SIGKILL, no clean-up) the first time it gets there. Unset in
/// any real deployment; it exists so the crash tests stop the process exactly where a power cut
/// would hurt most, instead of guessing with timers.
/// </summary>
public sealed class CrashPoints(IConfiguration configuration)
{
    /// <summary>Claimed, nothing decided or recorded yet: no attempt exists, so nothing can be in doubt.</summary>
    public const string BeforePlan = "before_plan";

    /// <summary>Claimed, and each send's pending attempt recorded; nothing has left yet, but the records cannot tell.</summary>
    public const string AfterClaim = "after_claim";
    public const string AfterAccept = "after_accept";
    public const string AfterCommit = "after_commit";
    public const string WebhookIntake = "webhook_intake";

    private readonly string? armed = configuration["Kabar:Testing:CrashAt"];

    public void Hit(string point)
    {
        if (armed is not null && string.Equals(armed, point, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"kabar: crash point {point} reached; killing the process");
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
        }
    }
}
