namespace Kabar.Notifications;

/// <summary>A WhatsApp template as Meta last reported it (sync and status webhooks).</summary>
public sealed class WhatsAppTemplate
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Language { get; set; } = "";
    public string? RemoteId { get; set; }

    /// <summary>APPROVED, PENDING, REJECTED, PAUSED, DISABLED…</summary>
    public string Status { get; set; } = "";

    public string? Category { get; set; }
    public string? ParameterFormat { get; set; }

    /// <summary>The body's parameter names ("1", "2"… for positional templates), comma-separated.</summary>
    public string? BodyParameters { get; set; }

    public DateTime SyncedAt { get; set; }

    /// <summary>Set when a send failed with a request or template error (SPEC §6): shown in the dashboard.</summary>
    public DateTime? FlaggedAt { get; set; }

    public int? FlagCode { get; set; }
}
