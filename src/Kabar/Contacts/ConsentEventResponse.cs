using Kabar.Consent;

namespace Kabar.Contacts;

public sealed record ConsentEventResponse(
    Guid Id,
    int Seq,
    ConsentScope Scope,
    ConsentAction Action,
    ConsentSource Source,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string? TextVersion,
    string? TextHash,
    string? Ip,
    string? UserAgent,
    string? WhatsAppMessageId,
    string? TokenId,
    string? Operator,
    string? Note,
    string? PrevHash,
    string Hash);
