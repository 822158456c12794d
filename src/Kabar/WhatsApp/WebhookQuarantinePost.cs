namespace Kabar.WhatsApp;

/// <summary>
/// A verified webhook post with a part Kabar could not read (<see cref="SkippedPart"/>): its
/// neighbours were stored and the post was answered 200, so Meta will not send it again; the
/// raw body is kept here, with why, until the retention job, an erasure naming the person, or a
/// successful <c>kabar webhooks replay ID</c> removes it (docs/reliability.md).
/// </summary>
public sealed class WebhookQuarantinePost
{
    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }

    /// <summary>The body as Meta signed it, or its first <see cref="WebhookQuarantine.MaxBodyBytes"/> bytes.</summary>
    public byte[] Body { get; set; } = [];

    /// <summary>The size of the whole body as posted, in bytes.</summary>
    public int Size { get; set; }

    /// <summary>SHA-256 of the whole body (hex): the same post delivered again is kept once.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>How many parts were skipped.</summary>
    public int Skipped { get; set; }

    /// <summary>One line per skipped part: item, field and why (<see cref="SkippedPart.ToString"/>).</summary>
    public string Reasons { get; set; } = "";

    /// <summary>When <c>kabar webhooks replay</c> last ran on the post and still could not read all of it.</summary>
    public DateTime? ReplayedAt { get; set; }

    public string? ReplayOutcome { get; set; }

    /// <summary>Whether only the start of the body is kept; such a post cannot be replayed.</summary>
    public bool Truncated => Body.Length < Size;
}
