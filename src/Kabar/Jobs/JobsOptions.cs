using System.ComponentModel.DataAnnotations;

namespace Kabar.Jobs;

/// <summary>
/// <c>Kabar:Jobs</c>: the scheduler. Each job's schedule is <c>Kabar:Jobs:{name}:Cron</c>, a cron
/// expression (five fields) in the office's time zone (<c>Kabar:Policy:TimeZone</c>).
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Kabar:Jobs";

    /// <summary>Run scheduled jobs in this process (several processes may share one PostgreSQL; one runs each job).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How long a process holds a job's lease; a crashed runner's job is taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "06:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The scheduler also checks this often for due jobs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cron per job name, read from <c>Kabar:Jobs:{name}:Cron</c>; jobs not listed keep their default.</summary>
    public Dictionary<string, string> Cron { get; } = new(StringComparer.Ordinal);
}
