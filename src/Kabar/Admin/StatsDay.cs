namespace Kabar.Admin;

/// <summary>
/// A completed office day whose counts are in the rollup tables. Only days whose marker carries
/// the office's current time zone are read, so changing <c>Kabar:Policy:TimeZone</c> falls back
/// to live counting until the job has rolled the days up again.
/// </summary>
public sealed class StatsDay
{
    public DateOnly Day { get; set; }
    public required string TimeZone { get; set; }
    public DateTime ComputedAt { get; set; }
}
