namespace Kabar.Notifications;

/// <summary>One status an attempt went through, with the time the provider gave.</summary>
public sealed class AttemptStatusChange
{
    public long Id { get; set; }
    public Guid AttemptId { get; set; }
    public AttemptStatus Status { get; set; }
    public DateTime At { get; set; }
    public int? ErrorCode { get; set; }
}
