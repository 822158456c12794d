using Kabar.Contacts;

namespace Kabar.Privacy;

/// <summary>
/// <c>GET /api/contacts/{id}/export</c>: everything Kabar holds on one person (UU PDP Art. 7;
/// SPEC §11), in one document they can be given. Opt-in link secrets are never exported (only
/// their hashes exist); everything else is as stored.
/// </summary>
/// <param name="Format">The document's format and version: <c>kabar-contact-export-v1</c>.</param>
/// <param name="ExportedAt">When the export was made, ISO 8601 UTC.</param>
/// <param name="Controller">The data controller: the office's name (Kabar:Office:Name).</param>
/// <param name="Contact">The person's details and consent as stored.</param>
/// <param name="ConsentLedger">Every consent event, oldest first, with its evidence.</param>
/// <param name="ConsentTexts">The consent texts the person was shown, by version.</param>
/// <param name="Registrations">The citizen registration forms the person sent.</param>
/// <param name="Notifications">Every notification to the person, with its attempts.</param>
/// <param name="InboundMessages">The WhatsApp messages the person sent the office.</param>
/// <param name="Permits">The permits the person holds or applied for.</param>
/// <param name="AssignedDocuments">Documents assigned to the person (as staff or official) to sign or approve.</param>
/// <param name="OptInLinks">The opt-in links sent to the person (never the secret itself).</param>
/// <param name="CampaignAsks">The opt-in campaign requests made to the person.</param>
/// <param name="Requests">The person's data subject requests (access, rectification, erasure), this one included.</param>
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
