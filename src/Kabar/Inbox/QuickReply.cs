namespace Kabar.Inbox;

/// <summary>
/// A text the office answers often (office hours, where to collect a permit), kept by admins in the
/// console. It only fills the reply box: the operator reads, edits and sends it like any answer.
/// </summary>
public sealed class QuickReply
{
    public const int TitleMax = 100;

    /// <summary>WhatsApp's limit for a text message body.</summary>
    public const int TextMax = 4096;

    public Guid Id { get; set; }

    /// <summary>What the operator picks it by ("Jam layanan").</summary>
    public string Title { get; set; } = "";

    public string Text { get; set; } = "";

    /// <summary>The admin who wrote or last changed it.</summary>
    public string UpdatedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
