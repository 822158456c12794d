using Kabar.Channels;
using Kabar.Data;
using Kabar.Decisions;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Notifications;

/// <summary>
/// Applies SMS gateway delivery reports to the attempt named by <c>reference</c> (the attempt id
/// Kabar sent). Forward only, like WhatsApp statuses; a repeated report changes nothing.
/// </summary>
internal sealed class SmsDeliveryReports(KabarDbContext db, NotificationFlow flow, TimeProvider time) : ISmsDeliveryReports
{
    public async Task<bool> ApplyAsync(string reference, string status, DateTime at, CancellationToken ct)
    {
        if (!Guid.TryParse(reference, out var id))
        {
            return false;
        }

        var attempt = await db.DeliveryAttempts.FirstOrDefaultAsync(a => a.Id == id && a.Channel == Channel.Sms, ct);
        if (attempt is null)
        {
            return false;
        }

        var mapped = Map(status);
        if (mapped is null || attempt.Status == mapped || attempt.Status == AttemptStatus.Failed)
        {
            return true;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var n = await db.Notifications.FirstAsync(x => x.Id == attempt.NotificationId, ct);
        if (mapped == AttemptStatus.Failed)
        {
            if (DeliveryAttempt.Rank(attempt.Status) < DeliveryAttempt.Rank(AttemptStatus.Delivered)
                && flow.Advance(attempt, AttemptStatus.Failed, at, now) && n.CurrentAttemptId == attempt.Id && !NotificationFlow.IsFinal(n.State))
            {
                attempt.Error = $"SMS gateway reported '{status}'.";
                n.LastError = attempt.Error;
                n.FallbackReason ??= "sms_failed";
                n.Channel = Decisions.Channel.Email; // e-mail next, if the person has an address
                NotificationFlow.Requeue(n, now, now);
            }
        }
        else if (flow.Advance(attempt, mapped.Value, at, now))
        {
            flow.Progress(n, attempt, now);
        }

        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Gateways word it differently; these are the common words.</summary>
    internal static AttemptStatus? Map(string status) => status.Trim().ToLowerInvariant() switch
    {
        "sent" or "submitted" or "enroute" => AttemptStatus.Sent,
        "delivered" or "delivrd" => AttemptStatus.Delivered,
        "failed" or "undelivered" or "undeliv" or "rejected" or "rejectd" or "expired" => AttemptStatus.Failed,
        _ => null,
    };
}
