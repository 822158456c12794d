namespace Kabar.WhatsApp;

/// <summary>
/// A message status from a webhook, stored once per (wamid, status) as Meta may deliver the same
/// status many times and in any order (SPEC §1, §6).
/// </summary>
public sealed class WhatsAppStatusEvent
{
    public long Id { get; set; }
    public string Wamid { get; set; } = "";

    /// <summary>sent, delivered, read, failed, played.</summary>
    public string Status { get; set; } = "";

    public DateTime OccurredAt { get; set; }
    public string? RecipientId { get; set; }
    public string? RecipientUserId { get; set; }
    public string? BizOpaqueCallbackData { get; set; }
    public int? ErrorCode { get; set; }
    public string? ErrorTitle { get; set; }
    public string? PricingCategory { get; set; }
    public string? PricingType { get; set; }
    public bool? Billable { get; set; }
    public DateTime ReceivedAt { get; set; }

    /// <summary>Set once the pipeline has applied the status to its attempt.</summary>
    public DateTime? AppliedAt { get; set; }
}
