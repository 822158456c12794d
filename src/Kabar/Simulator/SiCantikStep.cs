namespace Kabar.Simulator;

/// <summary>One row of SiCantik's <c>trstspermohonan</c>: a step of the permit workflow.</summary>
internal sealed record SiCantikStep(int Id, string Name);
