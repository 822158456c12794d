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
