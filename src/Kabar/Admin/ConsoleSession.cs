namespace Kabar.Admin;

/// <summary>
/// One signed-in console session. The cookie carries a random session id; the database keeps only
/// its SHA-256, so a copy of the database cannot be turned back into a working cookie. Signing out
/// deletes the row, and a cookie whose row is gone no longer opens the console.
/// </summary>
public sealed class ConsoleSession
{
    /// <summary>Lowercase hex SHA-256 of the id in the cookie.</summary>
    public string Id { get; set; } = "";

    public Guid OperatorId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The last request that renewed it; the session ends <see cref="AdminOptions.SessionIdle"/> after it.</summary>
    public DateTime LastSeenAt { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>
/// Failed sign-ins from one client address for one typed e-mail address, known or not (see
/// <see cref="SignInThrottling"/>). The address is kept as its SHA-256, so the table never holds
/// the e-mail addresses strangers type.
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>Lowercase hex SHA-256 of the normalized e-mail address.</summary>
    public string Account { get; set; } = "";

    /// <summary>The client address after forwarded headers from trusted proxies.</summary>
    public string Client { get; set; } = "";

    /// <summary>Failures since the last block (or since the row was created).</summary>
    public int Failures { get; set; }

    /// <summary>How many times this pair was blocked: each block is twice as long as the one before, up to the cap.</summary>
    public int Rounds { get; set; }

    public DateTime? BlockedUntil { get; set; }
    public DateTime LastFailureAt { get; set; }
}
