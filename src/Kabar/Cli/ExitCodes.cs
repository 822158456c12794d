namespace Kabar.Cli;

/// <summary>The exit codes of every command (README, "Command line").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Done = 0;

    /// <summary>Failed, interrupted, or some rows were rejected.</summary>
    public const int Failed = 1;

    /// <summary>A usage error (unknown command or option, a missing argument) or unreadable input.</summary>
    public const int Usage = 2;

    /// <summary><c>export verify</c>: the file matches its manifest, but the signer was not checked.</summary>
    public const int SignerNotChecked = 3;
}
