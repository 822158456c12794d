using System.Text.Json;
using Kabar.Notifications;

namespace Kabar.Privacy;

public sealed record ExportNotification(Guid Id, string Type, NotificationState State, Decisions.Channel Channel, MessageKind Kind,
    Decisions.MessageCategory Category, LegalBasis Basis, bool Essential, JsonElement Params, string? Body,
    JsonElement? Decision, string? Reason, string? FallbackReason, Guid? PermitId, int? LastErrorCode, string? LastError,
    DateTime DueAt, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<ExportAttempt> Attempts);
