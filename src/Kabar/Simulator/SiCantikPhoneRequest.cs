namespace Kabar.Simulator;

/// <summary><c>PUT {control}/applications/{id}/phone</c>: the phone exactly as counter staff typed it.</summary>
internal sealed record SiCantikPhoneRequest(string? Phone);
