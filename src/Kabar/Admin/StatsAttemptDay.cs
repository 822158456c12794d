using Kabar.Notifications;

namespace Kabar.Admin;

/// <summary>WhatsApp attempts created on one office day, counted by what the dashboard groups them by.</summary>
public sealed class StatsAttemptDay
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public AttemptStatus Status { get; set; }
    public bool Taken { get; set; }
    public bool WindowOpen { get; set; }
    public string? Reason { get; set; }
    public bool Billable { get; set; }
    public string? PricingCategory { get; set; }
    public int? ErrorCode { get; set; }
    public long Count { get; set; }
}
