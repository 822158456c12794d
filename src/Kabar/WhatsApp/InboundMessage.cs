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
