using Kabar.Channels;

namespace Kabar.WhatsApp;

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
