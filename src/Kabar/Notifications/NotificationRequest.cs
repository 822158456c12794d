using System.Text.Json;

namespace Kabar.Notifications;

/// <summary>The body of <c>POST /api/notifications</c> (SPEC §13).</summary>
internal sealed record NotificationRequest(
    string? Type,
    Guid? ContactId,
    string? Phone,
    Dictionary<string, JsonElement>? Params,
    Guid? PermitId,
    DateTime? SendAt);
