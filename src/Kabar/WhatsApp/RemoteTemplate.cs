namespace Kabar.WhatsApp;

/// <summary>One template from <c>GET /{waba-id}/message_templates</c>.</summary>
public sealed record RemoteTemplate(
    string Id,
    string Name,
    string Language,
    string Status,
    string Category,
    string ParameterFormat,
    IReadOnlyList<string> BodyParameterNames);
