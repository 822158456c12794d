namespace Kabar.Simulator;

/// <summary><c>POST {control}/seed</c>: replaces every application.</summary>
internal sealed record SiCantikSeedRequest(int Issued, int InProcess, int Seed = 1);
