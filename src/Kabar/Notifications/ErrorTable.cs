namespace Kabar.Notifications;

/// <summary>What to do about a WhatsApp error code: the rows of SPEC §6's table.</summary>
public enum ErrorAction
{
    /// <summary>Throughput or transient: retry with backoff, honour Retry-After, bounded, then fall back.</summary>
    Retry,

    /// <summary>131056: retry this recipient only, after 4^x seconds.</summary>
    PairRate,

    /// <summary>131047: the window closed; the template variant or a fallback.</summary>
    WindowClosed,

    /// <summary>131026: the number is not on WhatsApp; mark it and fall back now.</summary>
    Undeliverable,

    /// <summary>131049: marketing held back; no retry for 24 h, essential falls back.</summary>
    MarketingHeld,

    /// <summary>131050: the person stopped marketing; withdraw it, never retry.</summary>
    MarketingStopped,

    /// <summary>A request or template problem: fail the attempt, fall back, flag the template.</summary>
    RequestProblem,

    /// <summary>Account, token, billing or policy: pause the number, alert, keep the queue.</summary>
    AccountProblem,
}

/// <summary>
/// The Cloud API error table (SPEC §6; Meta, "Error codes"). Errors are handled by <c>code</c>,
/// never by HTTP status or subcode, which Meta does not keep stable.
/// </summary>
public static class ErrorTable
{
    private static readonly Dictionary<int, ErrorAction> Codes = new()
    {
        [130429] = ErrorAction.Retry, // throughput reached
        [131000] = ErrorAction.Retry, // something went wrong
        [131016] = ErrorAction.Retry, // service unavailable
        [133004] = ErrorAction.Retry, // server temporarily unavailable
        [131057] = ErrorAction.Retry, // account in maintenance mode
        [2] = ErrorAction.Retry, // API service
        [4] = ErrorAction.Retry, // API too many calls
        [80007] = ErrorAction.Retry, // rate limit issues
        [131056] = ErrorAction.PairRate,
        [131047] = ErrorAction.WindowClosed,
        [131026] = ErrorAction.Undeliverable,
        [131049] = ErrorAction.MarketingHeld,
        [131050] = ErrorAction.MarketingStopped,
        [130403] = ErrorAction.RequestProblem,
        [131051] = ErrorAction.RequestProblem,
        [132000] = ErrorAction.RequestProblem,
        [132001] = ErrorAction.RequestProblem,
        [132012] = ErrorAction.RequestProblem,
        [132015] = ErrorAction.RequestProblem,
        [132016] = ErrorAction.RequestProblem,
        [132018] = ErrorAction.RequestProblem,
        [100] = ErrorAction.RequestProblem,
        [131008] = ErrorAction.RequestProblem,
        [131009] = ErrorAction.RequestProblem,
        [190] = ErrorAction.AccountProblem, // access token expired or invalid
        [0] = ErrorAction.AccountProblem, // authentication exception
        [10] = ErrorAction.AccountProblem, // permission denied
        [131031] = ErrorAction.AccountProblem, // account locked
        [131042] = ErrorAction.AccountProblem, // payment problem
        [368] = ErrorAction.AccountProblem, // temporarily blocked for policy violations
    };

    /// <summary>
    /// The action for a code; a missing code (an HTTP 5xx or a timeout without a Graph error body) is
    /// transient. A code the table does not list is treated as a request problem: it fails that
    /// attempt and falls back rather than retrying something that may never work.
    /// </summary>
    public static ErrorAction For(int? code) =>
        code is null ? ErrorAction.Retry : Codes.GetValueOrDefault(code.Value, ErrorAction.RequestProblem);

    public static IReadOnlyDictionary<int, ErrorAction> All => Codes;
}
