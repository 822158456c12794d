namespace Kabar.Privacy;

/// <summary>A WhatsApp message the person sent the office.</summary>
/// <param name="Id">The message's id in Kabar.</param>
/// <param name="Wamid">WhatsApp's message id (<c>wamid.…</c>).</param>
/// <param name="Type">WhatsApp's message type: text, button, interactive, image, reaction, system…</param>
/// <param name="Body">The text, caption, button title or a short description of the content.</param>
/// <param name="Payload">The payload or id of a tapped button or interactive reply.</param>
/// <param name="ContextWamid">The <c>wamid</c> of the office's message it replies to.</param>
/// <param name="Effect">What it did: <c>opt_out</c>, <c>marketing_opt_out</c>, <c>opt_in</c>, <c>auto_opt_in</c> or null.</param>
/// <param name="SentAt">The message's own time, ISO 8601 UTC.</param>
/// <param name="ReceivedAt">When Kabar received it, ISO 8601 UTC.</param>
public sealed record ExportInbound(Guid Id, string Wamid, string Type, string? Body, string? Payload, string? ContextWamid,
    string? Effect, DateTime SentAt, DateTime ReceivedAt);
