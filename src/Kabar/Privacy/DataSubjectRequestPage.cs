namespace Kabar.Privacy;

internal sealed record DataSubjectRequestPage(IReadOnlyList<DataSubjectRequestResponse> Items, string? Next);
