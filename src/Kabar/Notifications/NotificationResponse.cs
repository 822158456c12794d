using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary><c>GET /api/notifications/{id}</c>: state, decision, attempts with status history and errors.</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="Type">The notification type (<c>permit_ready</c>…) or a keyword confirmation.</param>
/// <param name="State">Where the notification is: queued or scheduled, sending, then sent, delivered or read on its channel; failed, skipped (nothing may or need be sent) or cancelled.</param>
/// <param name="Channel">The channel that carries, or last carried, the notification; <c>none</c> before the first send.</param>
/// <param name="Decision">The latest channel decision, with its reason.</param>
/// <param name="ContactId">The contact notified.</param>
/// <param name="PermitId">The permit the notification is about, when there is one.</param>
/// <param name="Essential">Essential notices always fall back to SMS or e-mail and ignore quiet hours.</param>
/// <param name="Basis">Why the office may send this type: its public task, the person's consent, or employment.</param>
/// <param name="FallbackReason">Why WhatsApp was given up for SMS or e-mail, when it was.</param>
/// <param name="LastErrorCode">The latest provider error code (WhatsApp's <c>code</c>), when there was one.</param>
/// <param name="LastError">The latest error, in words.</param>
/// <param name="DueAt">Not sent before this time (UTC).</param>
/// <param name="CreatedAt">When the notification was accepted (UTC).</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
/// <param name="EstimatedCostUsd">Estimated WhatsApp cost in US$ of its delivered, billable templates (Kabar:WhatsApp:Prices).</param>
/// <param name="Attempts">Each try on each channel, oldest first.</param>
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
