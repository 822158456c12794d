namespace Kabar.Simulator;

/// <summary>After <see cref="AfterRequests"/> requests to <see cref="Endpoint"/> (<c>*</c>: any) the next <see cref="Count"/> answer 500.</summary>
internal sealed record SiCantikFail500(string Endpoint = "*", int AfterRequests = 0, int Count = 1);
