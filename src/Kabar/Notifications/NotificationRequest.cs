using System.Text.Json;

namespace Kabar.Notifications;

/// <summary>
/// The body of <c>POST /api/notifications</c> (SPEC §13): what to tell whom. Name the person by
/// <c>contactId</c> or by <c>phone</c> (one of the two); a phone Kabar has not seen becomes a new
/// contact with no consent.
/// </summary>
/// <param name="Type">The notification type; it decides the template, the legal basis and the parameters <c>params</c> must carry.</param>
/// <param name="ContactId">The contact to notify. Give this or <c>phone</c>.</param>
/// <param name="Phone">The person's phone number, as the office has it (0812-3456-7890, +62 812 3456 7890). Give this or <c>contactId</c>.</param>
/// <param name="Params">The type's parameters by name, each a non-empty string or a number (at most 1,024 characters): exactly those the type lists, no more, no fewer. <c>opt_in_request</c> needs none: Kabar fills in the link and the office's name.</param>
/// <param name="PermitId">The permit the notification is about, so it shows on the permit and is cancelled with its reminders.</param>
/// <param name="SendAt">Not before this time (ISO 8601; UTC when no offset is given). Absent: as soon as the decision allows.</param>
public sealed record NotificationRequest(
    string? Type,
    Guid? ContactId = null,
    string? Phone = null,
    Dictionary<string, JsonElement>? Params = null,
    Guid? PermitId = null,
    DateTime? SendAt = null);
