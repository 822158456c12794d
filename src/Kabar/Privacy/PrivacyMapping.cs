namespace Kabar.Privacy;

internal static class PrivacyMapping
{
    public static DataSubjectRequestResponse ToResponse(this DataSubjectRequest r) =>
        new(r.Id, r.ContactId, r.Kind, r.RequestedBy, r.Reference, r.ReceivedAt, r.AnsweredAt, r.Outcome, r.Detail);
}
