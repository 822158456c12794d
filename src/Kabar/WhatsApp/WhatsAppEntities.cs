namespace Kabar.WhatsApp;

/// <summary>One inbound WhatsApp message, deduplicated on its <c>wamid</c> (SPEC §4 step 1).</summary>
public sealed class InboundMessage
{
    public Guid Id { get; set; }

    /// <summary>Meta's message id (<c>wamid.…</c>); unique.</summary>
    public string Wamid { get; set; } = "";

    public Guid ContactId { get; set; }
    public string? PhoneNumberId { get; set; }

    /// <summary>Meta's message <c>type</c>: text, button, interactive, image, reaction, system…</summary>
    public string Type { get; set; } = "";

    /// <summary>Text, caption, button title or a short description of the content.</summary>
    public string? Body { get; set; }

    /// <summary>Button or interactive reply payload / id.</summary>
    public string? Payload { get; set; }

    /// <summary>The wamid this message replies to (a tapped template button carries it).</summary>
    public string? ContextWamid { get; set; }

    /// <summary>What the message did: <c>opt_out</c>, <c>marketing_opt_out</c>, <c>opt_in</c>, <c>auto_opt_in</c> or null.</summary>
    public string? Effect { get; set; }

    /// <summary>The message's own timestamp, UTC.</summary>
    public DateTime SentAt { get; set; }

    public DateTime ReceivedAt { get; set; }
}

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

/// <summary>
/// A signed webhook post that carried statuses and nothing else, stored byte for byte before
/// Kabar answers 200 (<see cref="Statuses.StatusIntake"/>), compressed without loss. The status worker
/// expands it into <see cref="WhatsAppStatusEvent"/> rows moments later and deletes it in the
/// same transaction.
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

    /// <summary><see cref="Zlib"/>, or null for a body stored as it came (posts stored before compression).</summary>
    public string? BodyEncoding { get; set; }

    /// <summary>How many statuses the post carries: the status worker sizes its expansions by it.</summary>
    public int Statuses { get; set; }
}

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
