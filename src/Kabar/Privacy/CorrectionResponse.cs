using Kabar.Contacts;

namespace Kabar.Privacy;

/// <summary>The answer to a correction: the contact as it now is and the request as recorded.</summary>
/// <param name="Contact">The contact after the correction.</param>
/// <param name="Request">The rectification request as recorded in the register.</param>
internal sealed record CorrectionResponse(ContactResponse Contact, DataSubjectRequestResponse Request);
