using Kabar.Decisions;

namespace Kabar.Notifications;

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
