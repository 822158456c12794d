namespace Kabar.Privacy;

public sealed record ExportInbound(Guid Id, string Wamid, string Type, string? Body, string? Payload, string? ContextWamid,
    string? Effect, DateTime SentAt, DateTime ReceivedAt);
