using Kabar.Contacts;

namespace Kabar.Privacy;

/// <summary>The answer to a correction: the contact as it now is and the request as recorded.</summary>
internal sealed record CorrectionResponse(ContactResponse Contact, DataSubjectRequestResponse Request);
