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
}
