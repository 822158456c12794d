namespace Kabar.Simulator;

/// <summary>
/// <c>PUT /_control/numbers/{id}</c>: what Meta would report about a business number; a null field
/// keeps its value. Lets a test show a check failing (a number DISCONNECTED, a name not approved).
/// </summary>
internal sealed record NumberHealthRequest(string? NameStatus, string? CodeVerificationStatus, string? QualityRating,
    string? Status, string? PlatformType);
