using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary><c>GET /api/notifications/{id}</c>: state, decision, attempts with status history and errors.</summary>
public sealed record NotificationResponse(
    Guid Id,
    string Type,
    NotificationState State,
    Channel Channel,
    Decision? Decision,
    Guid? ContactId,
    Guid? PermitId,
    bool Essential,
    LegalBasis Basis,
    string? FallbackReason,
    int? LastErrorCode,
    string? LastError,
    DateTime DueAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    double EstimatedCostUsd,
    IReadOnlyList<AttemptResponse> Attempts);
