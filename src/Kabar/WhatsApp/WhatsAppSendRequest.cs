namespace Kabar.WhatsApp;

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
