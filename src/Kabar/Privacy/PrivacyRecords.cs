using System.Text.Json;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Notifications;
using Kabar.Permits;

namespace Kabar.Privacy;

/// <summary>Who asked Kabar to act on a request, and the office's own details of it.</summary>
public sealed record RequestContext(string RequestedBy, string? Reference = null, DateTime? ReceivedAt = null);

/// <summary><c>PATCH /api/contacts/{id}</c>: only the fields given are changed; an empty string clears the e-mail.</summary>
public sealed record ContactCorrection(string? Name, string? Email, string? Language, string? Phone = null, string? Reference = null,
    DateTime? ReceivedAt = null);

public sealed record DataSubjectRequestResponse(
    Guid Id,
    Guid ContactId,
    DataSubjectRequestKind Kind,
    string RequestedBy,
    string? Reference,
    DateTime ReceivedAt,
    DateTime AnsweredAt,
    DataSubjectRequestOutcome Outcome,
    string? Detail);

public sealed record DataSubjectRequestPage(IReadOnlyList<DataSubjectRequestResponse> Items, string? Next);

/// <summary>The answer to an erasure: the request as recorded and what it removed.</summary>
public sealed record ErasureResponse(Guid ContactId, DateTime ErasedAt, DataSubjectRequestResponse Request);

/// <summary>The answer to a correction: the contact as it now is and the request as recorded.</summary>
public sealed record CorrectionResponse(ContactResponse Contact, DataSubjectRequestResponse Request);

/// <summary>
/// <c>GET /api/contacts/{id}/export</c>: everything Kabar holds on one person (UU PDP Art. 7;
/// SPEC §11), in one document they can be given. Opt-in link secrets are never exported (only
/// their hashes exist); everything else is as stored.
/// </summary>
public sealed record ContactExport(
    string Format,
    DateTime ExportedAt,
    string Controller,
    ExportProfile Contact,
    IReadOnlyList<ConsentEventResponse> ConsentLedger,
    IReadOnlyList<ExportConsentText> ConsentTexts,
    IReadOnlyList<ExportRegistration> Registrations,
    IReadOnlyList<ExportNotification> Notifications,
    IReadOnlyList<ExportInbound> InboundMessages,
    IReadOnlyList<ExportPermit> Permits,
    IReadOnlyList<ExportDocument> AssignedDocuments,
    IReadOnlyList<ExportOptInLink> OptInLinks,
    IReadOnlyList<ExportCampaignAsk> CampaignAsks,
    IReadOnlyList<DataSubjectRequestResponse> Requests);

/// <summary>An opt-in campaign's request to the person: which campaign, the text variant they were assigned, and what became of it.</summary>
public sealed record ExportCampaignAsk(Guid Id, Guid CampaignId, string Campaign, string Outcome, string? SkipReason, Decisions.Channel Channel,
    Guid? ExperimentId, string? VariantKey, Guid? NotificationId, DateTime AskedAt, DateTime AttributionEndsAt, DateTime? OpenedAt);

public sealed record ExportProfile(
    Guid Id,
    string? Phone,
    string? WaId,
    string? BusinessScopedUserId,
    string? Name,
    string? Email,
    string Language,
    ConsentStates Consent,
    DateTime? WhatsAppConsentAt,
    DateTime? MarketingConsentAt,
    DateTime? LastInboundAt,
    DateTime? UndeliverableAt,
    DateTime? LastOptInRequestAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ErasedAt);

public sealed record ExportConsentText(string Version, string Hash, string Language, string Text);

public sealed record ExportRegistration(Guid Id, string Reference, string Name, string? Email, string PermitType, string Language,
    bool WhatsAppConsent, string ConsentTextVersion, Guid? ConsentEventId, Guid? NotificationId, string? Ip, string? UserAgent,
    DateTime CreatedAt);

public sealed record ExportNotification(Guid Id, string Type, NotificationState State, Decisions.Channel Channel, MessageKind Kind,
    Decisions.MessageCategory Category, LegalBasis Basis, bool Essential, JsonElement Params, string? Body,
    JsonElement? Decision, string? Reason, string? FallbackReason, Guid? PermitId, int? LastErrorCode, string? LastError,
    DateTime DueAt, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<ExportAttempt> Attempts);

public sealed record ExportAttempt(Guid Id, Decisions.Channel Channel, AttemptStatus Status, string? ProviderMessageId, string? TemplateName,
    int? ErrorCode, string? Error, bool WindowOpen, string? Reason, bool Billable, string? PricingCategory, DateTime CreatedAt,
    IReadOnlyList<ExportStatus> History);

public sealed record ExportStatus(AttemptStatus Status, DateTime At, int? ErrorCode);

public sealed record ExportInbound(Guid Id, string Wamid, string Type, string? Body, string? Payload, string? ContextWamid,
    string? Effect, DateTime SentAt, DateTime ReceivedAt);

public sealed record ExportPermit(Guid Id, string ExternalRef, string? PermitNumber, string PermitType, PermitStatus Status,
    DateOnly? IssuedOn, DateOnly? ExpiresOn, string? RegistrationId, string? DownloadLink, string? RenewalLink, string? DetailLink,
    DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ExportDocument(Guid Id, Guid PermitId, string Name, AssigneeRole Role, DateTime PendingSince, DateTime? DoneAt);

/// <summary>An opt-in link sent to the person: when and whether it was used; the token itself is never stored.</summary>
public sealed record ExportOptInLink(Guid Id, ConsentScope Scope, Guid? NotificationId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? UsedAt);

public static class PrivacyMapping
{
    public static DataSubjectRequestResponse ToResponse(this DataSubjectRequest r) =>
        new(r.Id, r.ContactId, r.Kind, r.RequestedBy, r.Reference, r.ReceivedAt, r.AnsweredAt, r.Outcome, r.Detail);
}
