using Kabar.Consent;

namespace Kabar.Privacy;

/// <summary>An opt-in link sent to the person: when and whether it was used; the token itself is never stored.</summary>
public sealed record ExportOptInLink(Guid Id, ConsentScope Scope, Guid? NotificationId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? UsedAt);
