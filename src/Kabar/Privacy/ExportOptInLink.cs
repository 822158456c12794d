using Kabar.Consent;

namespace Kabar.Privacy;

/// <summary>An opt-in link sent to the person: when and whether it was used; the token itself is never stored.</summary>
/// <param name="Id">The link's id.</param>
/// <param name="Scope">The consent it asks for: <c>whatsapp</c> or <c>whatsapp_marketing</c>.</param>
/// <param name="NotificationId">The notification that carried the link.</param>
/// <param name="CreatedAt">When it was made, ISO 8601 UTC.</param>
/// <param name="ExpiresAt">When it stops working, ISO 8601 UTC.</param>
/// <param name="UsedAt">When the person used it, ISO 8601 UTC; null when never.</param>
public sealed record ExportOptInLink(Guid Id, ConsentScope Scope, Guid? NotificationId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? UsedAt);
