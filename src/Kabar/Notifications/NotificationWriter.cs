using System.Text.Json;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Operations;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>
/// Adds a notification to a unit of work that the caller commits: the API, a permit's status
/// change and a scheduled reminder all write the notification in the same transaction as its cause.
/// </summary>
public sealed class NotificationWriter(DecisionInputs inputs, IOptions<WhatsAppOptions> whatsApp, DispatchSignal signal, KabarMetrics metrics)
{
    /// <summary>How decisions are stored in <see cref="Notification.DecisionJson"/>.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// Adds (does not save) a notification of <paramref name="type"/> for <paramref name="contact"/>
    /// with its first decision. Parameters must already match the type's master template.
    /// </summary>
    public Notification Add(KabarDbContext db, Contact contact, NotificationType type,
        IReadOnlyDictionary<string, string> parameters, DateTime now, NotificationOrigin origin = default)
    {
        var decision = type.Name == NotificationCatalog.OptInRequest
            ? null
            : SendDecision.Decide(DecisionInputs.From(contact), new DecisionMessage(MessageKind.Template, type.Category), now, inputs.Policy);
        if (decision is not null)
        {
            // Counted when taken: a caller whose transaction then rolls back leaves a count with no
            // notification, which is rare and tells the operator the same thing.
            metrics.Decided(decision, KabarMetrics.AtEnqueue);
        }

        var dueAt = origin.DueAt is { } at && at > now ? at : now;
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            Type = type.Name,
            ContactId = contact.Id,
            PermitId = origin.PermitId,
            Kind = MessageKind.Template,
            Category = type.Category,
            Essential = type.IsEssential(parameters),
            Basis = type.Basis,
            ParamsJson = JsonSerializer.Serialize(parameters),
            IdempotencyKey = origin.IdempotencyKey,
            RequestHash = origin.RequestHash,
            State = dueAt > now ? NotificationState.Scheduled : NotificationState.Queued,
            DecisionJson = decision is null ? null : JsonSerializer.Serialize(decision, Json),
            Reason = decision is null ? null : Common.EnumText<DecisionReason>.Name(decision.Reason),
            PhoneNumberId = whatsApp.Value.EffectiveNumbers[0].PhoneNumberId,
            DueAt = dueAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Notifications.Add(notification);
        return notification;
    }

    /// <summary>
    /// Adds (does not save) an answer to a message <paramref name="contact"/> sent: a free-form
    /// utility text on their consent, from the number they wrote to when Kabar has it, else the first.
    /// </summary>
    public Notification AddReply(KabarDbContext db, Contact contact, string type, string body, string? phoneNumberId,
        string idempotencyKey, DateTime now)
    {
        var numbers = whatsApp.Value.EffectiveNumbers;
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            Type = type,
            ContactId = contact.Id,
            Kind = MessageKind.Text,
            Category = MessageCategory.Utility,
            Basis = LegalBasis.Consent,
            PhoneNumberId = numbers.FirstOrDefault(n => n.PhoneNumberId == phoneNumberId)?.PhoneNumberId ?? numbers[0].PhoneNumberId,
            Body = body,
            IdempotencyKey = idempotencyKey,
            State = NotificationState.Queued,
            DueAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Notifications.Add(notification);
        return notification;
    }

    /// <summary>
    /// Adds (does not save) an operator's answer from the console's inbox with its first decision,
    /// which the caller has checked allows WhatsApp (for free-form text only an open window does:
    /// reason <c>service_window</c>). The dispatcher decides again when it claims it, like any notification.
    /// </summary>
    public Notification AddInboxReply(KabarDbContext db, Contact contact, string body, string? phoneNumberId, Decision decision,
        string idempotencyKey, DateTime now)
    {
        return Decided(AddReply(db, contact, SystemNotificationTypes.InboxReply, body, phoneNumberId, idempotencyKey, now), decision);
    }

    /// <summary>
    /// Adds (does not save) an operator's answer written after the window closed, for the channel
    /// the person can still be reached on (<paramref name="channel"/>: SMS or e-mail). It starts as a
    /// fallback with the decision's reason, so the dispatcher sends it by SMS or e-mail and never on
    /// WhatsApp. Answering a person's own question is part of the office's public task, like the
    /// permit notices that go by SMS without consent.
    /// </summary>
    public Notification AddInboxReplyOutsideWindow(KabarDbContext db, Contact contact, string body, Decision decision, Channel channel,
        string idempotencyKey, DateTime now)
    {
        var notification = Decided(AddReply(db, contact, SystemNotificationTypes.InboxReplyOutsideWindow, body, null, idempotencyKey, now), decision);
        notification.FallbackReason = notification.Reason;
        notification.Channel = channel;
        notification.Basis = LegalBasis.PublicTask;
        return notification;
    }

    /// <summary>Records the decision an answer was queued on, and counts it as decided at enqueue.</summary>
    private Notification Decided(Notification notification, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        metrics.Decided(decision, KabarMetrics.AtEnqueue);
        notification.DecisionJson = JsonSerializer.Serialize(decision, Json);
        notification.Reason = Common.EnumText<DecisionReason>.Name(decision.Reason);
        return notification;
    }

    /// <summary>Tells the dispatcher that committed notifications are waiting.</summary>
    public void Wake() => signal.Wake();

    public static Decision? ReadDecision(Notification n) =>
        n.DecisionJson is null ? null : JsonSerializer.Deserialize<Decision>(n.DecisionJson, Json);
}

/// <summary>Where a notification comes from: its permit, when it is due, and its natural idempotency key.</summary>
public readonly record struct NotificationOrigin(Guid? PermitId = null, DateTime? DueAt = null, string? IdempotencyKey = null, string? RequestHash = null);
