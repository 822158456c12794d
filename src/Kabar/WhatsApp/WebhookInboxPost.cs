namespace Kabar.WhatsApp;

/// <summary>
/// A signed webhook post that carried statuses and nothing else, stored byte for byte before
/// Kabar answers 200 (<see cref="Statuses.StatusIntake"/>), compressed without loss when it
/// carries several statuses. The status worker expands it into <see cref="WhatsAppStatusEvent"/>
/// rows moments later and deletes it in the same transaction.
/// </summary>
public sealed class WebhookInboxPost
{
    /// <summary>The <see cref="BodyEncoding"/> of a body stored as a zlib stream (RFC 1950).</summary>
    public const string Zlib = "zlib";

    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }

    /// <summary>
    /// The raw body exactly as Meta signed it, encoded as <see cref="BodyEncoding"/> says
    /// (<see cref="Statuses.StatusIntake.RawBody"/> gives it back as posted).
    /// </summary>
    public byte[] Body { get; set; } = [];

    /// <summary>
    /// <see cref="Zlib"/>, or null for a body stored as it came (a post of one status, and posts
    /// stored before compression).
    /// </summary>
    public string? BodyEncoding { get; set; }

    /// <summary>How many statuses the post carries: the status worker sizes its expansions by it.</summary>
    public int Statuses { get; set; }
}
