namespace Kabar.WhatsApp;

/// <summary>The template part of a send (WHATSAPP-PAYLOADS.md, "Sending").</summary>
public sealed record TemplateContent(string Name, string Language, IReadOnlyList<TemplateParameter> BodyParameters);
