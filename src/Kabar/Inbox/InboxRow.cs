using Kabar.Consent;

namespace Kabar.Inbox;

/// <summary>One message in the inbox with what the operator needs beside it. A class with init properties (not a positional record), so EF Core can filter and page on it.</summary>
public sealed class InboxRow
{
    public Guid MessageId { get; init; }
    public Guid ContactId { get; init; }
    public string? Name { get; init; }
    public string? Phone { get; init; }
    public bool Erased { get; init; }
    public ConsentState WhatsApp { get; init; }
    public DateTime? LastInboundAt { get; init; }
    public string Type { get; init; } = "";
    public string? Body { get; init; }
    public string? Payload { get; init; }
    public string? Effect { get; init; }
    public DateTime SentAt { get; init; }
    public DateTime ReceivedAt { get; init; }

    /// <summary>A text answer (an operator's, or Kabar's to a keyword) was queued after Kabar received the message and has not failed.</summary>
    public bool Answered { get; init; }
}
