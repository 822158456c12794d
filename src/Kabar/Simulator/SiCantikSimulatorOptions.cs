using System.ComponentModel.DataAnnotations;

namespace Kabar.Simulator;

/// <summary><c>Kabar:Simulator:SiCantik</c>: the permits the simulated SiCantik back office holds at start (SPEC §7).</summary>
internal sealed class SiCantikSimulatorOptions
{
    public const string Section = "Kabar:Simulator:SiCantik";

    /// <summary>Issued permits (in <c>listpermohonanterbit</c>).</summary>
    [Range(0, 100_000)]
    public int Issued { get; set; } = 12;

    /// <summary>Applications still in process (in <c>listpermohonanproses</c>).</summary>
    [Range(0, 100_000)]
    public int InProcess { get; set; } = 6;

    /// <summary>The same seed gives the same applicants, phones and permits (on the same day).</summary>
    public int Seed { get; set; } = 1;
}
