namespace Kabar.Privacy;

/// <summary><c>GET /api/data-subject-requests</c>: one page of the register, newest first.</summary>
/// <param name="Items">The requests on this page, newest answered first.</param>
/// <param name="Next">The cursor of the next page, to pass as <c>?after=</c>; null on the last page.</param>
internal sealed record DataSubjectRequestPage(IReadOnlyList<DataSubjectRequestResponse> Items, string? Next);
