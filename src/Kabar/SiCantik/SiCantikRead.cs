using Kabar.Permits;

namespace Kabar.SiCantik;

/// <summary>One application with its detail read: what Kabar will record for it.</summary>
internal sealed record SiCantikRead(
    ListedApplication Listed,
    SiCantikApplication? Before,
    string? Applicant,
    TypedPhones.Reading Phone,
    PermitStatus Status,
    string? StepId,
    string? StepName,
    bool StepUnmapped,
    DateOnly? IssuedOn,
    DateOnly? ExpiresOn)
{
    /// <summary>A new application whose detail could not be read during the backfill: kept so its first reading later sends no notices.</summary>
    public bool Placeholder { get; init; }
}
