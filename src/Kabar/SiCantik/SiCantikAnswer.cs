namespace Kabar.SiCantik;

/// <summary>What became of one request to SiCantik.</summary>
internal enum SiCantikAnswerKind
{
    /// <summary>200 with rows.</summary>
    Rows,

    /// <summary>The server's "no data" (404 with an error text): the end of a list, or an unknown application.</summary>
    NoData,

    /// <summary>400, or 404 with no body: the server refused the request's parameters.</summary>
    Refused,

    /// <summary>A timeout, a refused connection, a 5xx or a body that is not SiCantik's: nothing usable.</summary>
    Failed,
}

/// <summary>One answer: its rows, or what went wrong in words an operator understands.</summary>
internal sealed record SiCantikAnswer(SiCantikAnswerKind Kind, IReadOnlyList<Dictionary<string, string?>> Rows, string? Problem = null)
{
    public static SiCantikAnswer Failed(string problem) => new(SiCantikAnswerKind.Failed, [], problem);
}
