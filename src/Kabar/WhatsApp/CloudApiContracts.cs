using Kabar.Channels;

namespace Kabar.WhatsApp;

/// <summary>One body parameter of a template send; <paramref name="Name"/> is set for named-parameter templates.</summary>
public sealed record TemplateParameter(string? Name, string Text);

/// <summary>The template part of a send (WHATSAPP-PAYLOADS.md, "Sending").</summary>
public sealed record TemplateContent(string Name, string Language, IReadOnlyList<TemplateParameter> BodyParameters);

/// <summary>
/// A send to <c>POST /{version}/{phone-number-id}/messages</c>. Exactly one of
/// <see cref="Template"/> and <see cref="Text"/> is set. <see cref="To"/> is E.164 with '+';
/// for a username-only person it is null and <see cref="RecipientUserId"/> carries the
/// business-scoped user id. <see cref="CallbackData"/> goes out as <c>biz_opaque_callback_data</c>.
/// </summary>
public sealed record WhatsAppSendRequest(
    string PhoneNumberId,
    string? AccessToken,
    string? To,
    string? RecipientUserId,
    string CallbackData,
    TemplateContent? Template,
    string? Text);

/// <summary>
/// The Cloud API's answer. <see cref="ErrorCode"/> is <c>error.code</c> (act on it, never on the
/// HTTP status); it is null for an HTTP failure without a Graph error body.
/// </summary>
public sealed record WhatsAppSendResult(
    SendOutcome Outcome,
    string? MessageId = null,
    string? WaId = null,
    int? ErrorCode = null,
    string? ErrorTitle = null,
    int? HttpStatus = null,
    TimeSpan? RetryAfter = null,
    string? MessageStatus = null);

/// <summary>One template from <c>GET /{waba-id}/message_templates</c>.</summary>
public sealed record RemoteTemplate(
    string Id,
    string Name,
    string Language,
    string Status,
    string Category,
    string ParameterFormat,
    IReadOnlyList<string> BodyParameterNames);

/// <summary>Kabar's client of the WhatsApp Cloud API (Meta's, or the built-in simulator).</summary>
public interface IWhatsAppClient
{
    Task<WhatsAppSendResult> SendAsync(WhatsAppSendRequest request, CancellationToken ct);

    /// <summary>All templates of the WABA, following <c>paging.next</c>.</summary>
    Task<IReadOnlyList<RemoteTemplate>> GetTemplatesAsync(CancellationToken ct);
}
