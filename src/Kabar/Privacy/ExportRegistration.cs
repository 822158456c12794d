namespace Kabar.Privacy;

/// <summary>A citizen registration form the person sent.</summary>
/// <param name="Id">The registration's id.</param>
/// <param name="Reference">The application reference the person gave.</param>
/// <param name="Name">The name given.</param>
/// <param name="Email">The e-mail address given.</param>
/// <param name="PermitType">The kind of permit applied for.</param>
/// <param name="Language"><c>id</c> or <c>en</c>.</param>
/// <param name="WhatsAppConsent">Whether the person ticked WhatsApp consent.</param>
/// <param name="ConsentTextVersion">The version of the consent text shown on the form.</param>
/// <param name="ConsentEventId">The consent event the form recorded, when it recorded one.</param>
/// <param name="NotificationId">The notification the form queued, when it queued one.</param>
/// <param name="Ip">The person's IP address; null after erasure.</param>
/// <param name="UserAgent">The person's browser; null after erasure.</param>
/// <param name="CreatedAt">When the form was sent, ISO 8601 UTC.</param>
public sealed record ExportRegistration(Guid Id, string Reference, string Name, string? Email, string PermitType, string Language,
    bool WhatsAppConsent, string ConsentTextVersion, Guid? ConsentEventId, Guid? NotificationId, string? Ip, string? UserAgent,
    DateTime CreatedAt);
