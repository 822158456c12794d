namespace Kabar.WhatsApp;

/// <summary>A template status or category change reported by Meta (<c>message_template_status_update</c>).</summary>
public sealed class TemplateStatusEvent
{
    public long Id { get; set; }
    public string? TemplateId { get; set; }
    public string? Name { get; set; }
    public string? Language { get; set; }
    public string Event { get; set; } = "";
    public string? Reason { get; set; }
    public string? Category { get; set; }
    public DateTime ReceivedAt { get; set; }
}
