namespace Kabar.Admin;

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
