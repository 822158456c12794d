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

/// <summary>What one run of a job did: when, how long, what it created, and how it ended.</summary>
public sealed class JobRun
{
    public Guid Id { get; set; }
    public string Job { get; set; } = "";

    /// <summary><c>schedule</c>, <c>catch-up</c> (an occurrence missed while Kabar was down) or <c>manual</c> (API, CLI).</summary>
    public string Trigger { get; set; } = "";

    /// <summary>The cron occurrence this run stands for; null for a manual run.</summary>
    public DateTime? ScheduledFor { get; set; }

    public DateTime StartedAt { get; set; }
    public long DurationMs { get; set; }

    /// <summary>Notifications (or templates) the run created.</summary>
    public int Created { get; set; }

    /// <summary><c>succeeded</c> or <c>failed</c>.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>A one-line summary, or the error of a failed run.</summary>
    public string? Detail { get; set; }

    public string Holder { get; set; } = "";
}
