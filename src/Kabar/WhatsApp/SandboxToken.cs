using System.Security.Cryptography;

namespace Kabar.WhatsApp;

/// <summary>
/// The access token of the sandbox number: random for each process, known only to this process's
/// Cloud API client and its built-in simulator, so nobody else can send through the simulator
/// (SPEC §7). It never leaves the machine and needs no storage: each process talks to its own simulator.
/// </summary>
public sealed class SandboxToken
{
    public string Value { get; } = "sandbox-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}
