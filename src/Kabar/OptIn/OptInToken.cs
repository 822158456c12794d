using Kabar.Consent;

namespace Kabar.OptIn;

/// <summary>
/// A personal opt-in link (SPEC §8): 32 random bytes given to the person once, stored only as
/// their SHA-256, bound to one contact and scope, expiring, single use.
/// </summary>
public sealed class OptInToken
{
    public Guid Id { get; set; }

    /// <summary>Lowercase hex SHA-256 of the token.</summary>
    public string TokenHash { get; set; } = "";

    public Guid ContactId { get; set; }
    public ConsentScope Scope { get; set; }

    /// <summary>The notification that carried the link.</summary>
    public Guid? NotificationId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}
