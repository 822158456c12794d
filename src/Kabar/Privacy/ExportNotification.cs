using System.Text.Json;
using Kabar.Notifications;

namespace Kabar.Privacy;

/// <summary>A notification to the person, as stored, with its attempts.</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="Type">The notification type (<c>permit_ready</c>…) or a keyword confirmation.</param>
/// <param name="State">Where it is: queued, scheduled, sending, sent, delivered, read, failed, skipped or cancelled.</param>
/// <param name="Channel">The channel that carried, or last carried, it; <c>none</c> before the first send.</param>
/// <param name="Kind"><c>template</c> or <c>text</c> (free-form).</param>
/// <param name="Category">WhatsApp's template category: <c>utility</c>, <c>marketing</c> or <c>authentication</c>.</param>
/// <param name="Basis">Why the office may send it: <c>public_task</c>, <c>consent</c> or <c>employment</c>.</param>
/// <param name="Essential">Essential notices always fall back to SMS or e-mail and ignore quiet hours.</param>
/// <param name="Params">The parameters it was sent with, as a JSON object.</param>
/// <param name="Body">The text of a free-form message (keyword confirmations).</param>
/// <param name="Decision">The latest channel decision, as stored.</param>
/// <param name="Reason">The latest decision's reason (<c>opted_in</c>, <c>no_consent</c>…).</param>
/// <param name="FallbackReason">Why WhatsApp was given up for SMS or e-mail, when it was.</param>
/// <param name="PermitId">The permit it is about, when there is one.</param>
/// <param name="LastErrorCode">The latest provider error code, when there was one.</param>
/// <param name="LastError">The latest error, in words.</param>
/// <param name="DueAt">Not sent before this time, ISO 8601 UTC.</param>
/// <param name="CreatedAt">When it was accepted, ISO 8601 UTC.</param>
/// <param name="UpdatedAt">When it last changed, ISO 8601 UTC.</param>
/// <param name="Attempts">Each try on each channel, oldest first.</param>
public sealed record ExportNotification(Guid Id, string Type, NotificationState State, Decisions.Channel Channel, MessageKind Kind,
    Decisions.MessageCategory Category, LegalBasis Basis, bool Essential, JsonElement Params, string? Body,
    JsonElement? Decision, string? Reason, string? FallbackReason, Guid? PermitId, int? LastErrorCode, string? LastError,
    DateTime DueAt, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<ExportAttempt> Attempts);
