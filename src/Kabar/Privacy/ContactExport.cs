using Kabar.Contacts;

namespace Kabar.Privacy;

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
