namespace Kabar.Notifications;

/// <summary>
/// A business phone number's dispatch state, shared by every Kabar process: which process holds
/// the sending lease (one dispatcher per number, so the rate is kept together), and whether an
/// account-level error paused it.
/// </summary>
public sealed class SenderNumber
{
    public string PhoneNumberId { get; set; } = "";
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? PausedAt { get; set; }
    public int? PauseCode { get; set; }
    public string? PauseReason { get; set; }

    /// <summary>
    /// The holder's departure mark: its WhatsApp sends planned to leave at or before this time may
    /// have left; none planned later had, when it last wrote the mark. Written ahead of the sends
    /// (<see cref="DepartureMark"/>), read by the process that takes the number over.
    /// </summary>
    public DateTime? ReleasedUntil { get; set; }

    /// <summary>
    /// Raised each time a process takes the number that did not hold it. A departure mark is
    /// written only in the epoch its holder took the number in: a pass planned under an earlier
    /// lease of the same process, which stalled past it, cannot move the mark.
    /// </summary>
    public int LeaseEpoch { get; set; }
}
