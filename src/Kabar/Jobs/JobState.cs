namespace Kabar.Jobs;

/// <summary>
/// One row per named job: which process holds its lease (one runner at a time across every
/// process on the database) and which cron occurrence ran last, so a missed one is caught up.
/// </summary>
public sealed class JobState
{
    public string Name { get; set; } = "";
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The latest scheduled occurrence that has run (UTC).</summary>
    public DateTime? LastOccurrence { get; set; }
}
