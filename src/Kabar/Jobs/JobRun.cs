namespace Kabar.Jobs;

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
