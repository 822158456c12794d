namespace Kabar.Simulator;

/// <summary><c>POST {control}/applications</c>; what is left out is made up. <see cref="PermitType"/> is a name or an id.</summary>
internal sealed record SiCantikAddRequest(string? Name = null, string? Phone = null, string? PermitType = null);
