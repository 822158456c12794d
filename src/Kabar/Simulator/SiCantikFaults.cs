namespace Kabar.Simulator;

/// <summary><c>PUT {control}/faults</c>: how the simulated back office misbehaves.</summary>
/// <param name="SlowMs">Every API answer waits this long first.</param>
/// <param name="Fail500">Some requests fail with 500 and an empty body (a PHP fatal error).</param>
/// <param name="OffsetZero">A list asked with <c>offset=0</c> answers 400 with an empty body, as some servers do.</param>
/// <param name="XmlOnly">The format switch and the Accept header are ignored: always XML (an older server).</param>
internal sealed record SiCantikFaults(int SlowMs = 0, SiCantikFail500? Fail500 = null, bool OffsetZero = false, bool XmlOnly = false)
{
    public static readonly SiCantikFaults None = new();

    /// <summary>What is wrong with the request, or null.</summary>
    public string? Problem() =>
        SlowMs is < 0 or > 600_000 ? "slowMs must be from 0 to 600000."
        : Fail500 is { AfterRequests: < 0 } ? "fail500.afterRequests must not be negative."
        : Fail500 is { Count: < 1 } ? "fail500.count must be at least 1."
        : Fail500 is { Endpoint: null or "" } ? "fail500.endpoint must name an endpoint (listpermohonanterbit, …) or be \"*\"."
        : null;
}
