using System.Text.Json;
using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>The body of <c>POST /api/notifications</c> (SPEC §13).</summary>
public sealed record NotificationRequest(
    string? Type,
    Guid? ContactId,
    string? Phone,
    Dictionary<string, JsonElement>? Params,
    Guid? PermitId,
    DateTime? SendAt);

/// <summary>202 answer: the id, the state and the first decision.</summary>
public sealed record NotificationAccepted(Guid Id, NotificationState State, Decision? Decision);

public sealed record StatusStep(AttemptStatus Status, DateTime At);

public sealed record AttemptResponse(
    Guid Id,
    Channel Channel,
    AttemptStatus Status,
    string? ProviderMessageId,
    int? ErrorCode,
    string? Error,
    bool Ambiguous,
    bool? Billable,
    DateTime CreatedAt,
    IReadOnlyList<StatusStep> History);

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

public sealed record NotificationPage(IReadOnlyList<NotificationResponse> Items, string? Next);
