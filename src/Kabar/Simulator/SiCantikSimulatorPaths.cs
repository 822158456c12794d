namespace Kabar.Simulator;

/// <summary>Where the built-in sandbox serves its SiCantik simulator.</summary>
public static class SiCantikSimulatorPaths
{
    /// <summary>The simulated back-office API's base path (a real server's is <c>/backoffice/api</c>).</summary>
    public const string ApiBase = SimulatorExtensions.Prefix + "/sicantik/backoffice/api";
}
