namespace Kabar.Privacy;

public sealed record ExportRegistration(Guid Id, string Reference, string Name, string? Email, string PermitType, string Language,
    bool WhatsAppConsent, string ConsentTextVersion, Guid? ConsentEventId, Guid? NotificationId, string? Ip, string? UserAgent,
    DateTime CreatedAt);
