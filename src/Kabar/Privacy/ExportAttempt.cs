using Kabar.Notifications;

namespace Kabar.Privacy;

public sealed record ExportAttempt(Guid Id, Decisions.Channel Channel, AttemptStatus Status, string? ProviderMessageId, string? TemplateName,
    int? ErrorCode, string? Error, bool WindowOpen, string? Reason, bool Billable, string? PricingCategory, DateTime CreatedAt,
    IReadOnlyList<ExportStatus> History);
