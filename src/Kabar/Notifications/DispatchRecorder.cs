using Kabar.Channels;
using Kabar.Data;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>
/// Records a pass's answers through <see cref="NotificationFlow"/> in one write, retried as a
/// whole when another writer changed one of its notifications meanwhile.
/// </summary>
internal sealed class DispatchRecorder(IServiceScopeFactory scopes, WriteGate gate, IOptions<NotificationOptions> options)
{
    private NotificationOptions O => options.Value;

    public Task<bool> RecordAsync(List<SendAnswer> results, CancellationToken ct) => scopes.RunWithRetryAsync(async (sp, token) =>
    {
        var db = sp.GetRequiredService<KabarDbContext>();
        var flow = sp.GetRequiredService<NotificationFlow>();
        var notificationIds = results.Select(r => r.Plan.NotificationId).ToList();
        var attemptIds = results.Select(r => r.Plan.AttemptId).ToList();
        var notifications = await db.Notifications.Where(n => EF.Parameter(notificationIds).Contains(n.Id)).ToDictionaryAsync(n => n.Id, token);
        var attempts = await db.DeliveryAttempts.Where(a => EF.Parameter(attemptIds).Contains(a.Id)).ToDictionaryAsync(a => a.Id, token);
        foreach (var r in results)
        {
            var n = notifications[r.Plan.NotificationId];
            var a = attempts[r.Plan.AttemptId];
            var heldUntil = r.Plan.Breaker.HeldUntil(r.At);
            if (r.Unmarked)
            {
                // The mark could not be written (the number was taken over, or the database
                // failed): a moment's pause, so a failing write is not tried again at once.
                flow.NeverLeft(n, a, r.At + O.RetryBaseDelay, r.At);
            }
            else if (r.Held)
            {
                flow.HeldByOutage(n, a, null, heldUntil is null ? "Not sent: held back while the provider was failing."
                        : "Not sent: the provider is failing or the number is paused; waiting for it.",
                    heldUntil ?? r.At, r.Plan.Channel == Decisions.Channel.WhatsApp && r.Plan.Breaker.FallbackDue(n.Essential, r.At),
                    refund: true, r.At);
            }
            else if (r.WhatsApp is { } wa)
            {
                await RecordWhatsAppAsync(flow, n, a, r, wa, heldUntil, token);
            }
            else if (r.Other is { } other)
            {
                RecordOther(flow, n, a, r, other, heldUntil);
            }
        }

        await db.SaveChangesInTurnAsync(gate, token);
        return true;
    }, ct);

    private async Task RecordWhatsAppAsync(NotificationFlow flow, Notification n, DeliveryAttempt a, SendAnswer r, WhatsAppSendResult wa,
        DateTime? heldUntil, CancellationToken ct)
    {
        switch (wa.Outcome)
        {
            case SendOutcome.Failed when heldUntil is { } until && ErrorTable.For(wa.ErrorCode) == ErrorAction.Retry
                && (r.Plan.Probe || n.WhatsAppTries < O.MaxWhatsAppTries):
                // The provider is down: wait for it rather than back off alone. The try is
                // spent (it went out), so a message that keeps failing still ends in the
                // fallback — except a failed probe's, which measured the provider, not the
                // message, and goes to the back so the next probe is another notice.
                flow.HeldByOutage(n, a, wa.ErrorCode, wa.ErrorTitle ?? $"HTTP {wa.HttpStatus}", AfterProbe(r.Plan, until),
                    r.Plan.Breaker.FallbackDue(n.Essential, r.At), refund: r.Plan.Probe, r.At);
                break;
            case SendOutcome.Accepted:
                a.ProviderMessageId ??= wa.MessageId;
                flow.Advance(a, AttemptStatus.Accepted, r.At, r.At);
                flow.Progress(n, a, r.At);
                n.PairRateHits = 0;
                break;
            case SendOutcome.Failed:
                await flow.WhatsAppFailedAsync(n, a, wa.ErrorCode, wa.ErrorTitle ?? $"HTTP {wa.HttpStatus}", wa.RetryAfter, r.At, r.At, ct);
                break;
            default:
                if (r.Plan.Probe && heldUntil is { } probedUntil)
                {
                    flow.UnknownProbe(n, a, AfterProbe(r.Plan, probedUntil), r.At);
                }
                else
                {
                    flow.Unknown(n, a, r.At, "No answer from the WhatsApp Cloud API.");
                }

                break;
        }
    }

    private void RecordOther(NotificationFlow flow, Notification n, DeliveryAttempt a, SendAnswer r, ChannelSendResult other, DateTime? heldUntil)
    {
        switch (other.Outcome)
        {
            case SendOutcome.Failed when heldUntil is { } until && other.Retryable && (r.Plan.Probe || n.FallbackTries < O.MaxFallbackTries):
                flow.HeldByOutage(n, a, null, other.Error, AfterProbe(r.Plan, until), fallBack: false, refund: r.Plan.Probe, r.At);
                break;
            case SendOutcome.Accepted:
                a.ProviderMessageId ??= other.ProviderMessageId;
                flow.Advance(a, AttemptStatus.Accepted, r.At, r.At);
                flow.Progress(n, a, r.At);
                break;
            case SendOutcome.Failed:
                flow.ChannelFailed(n, a, other, r.At);
                break;
            default:
                flow.Unknown(n, a, r.At, other.Error ?? "No answer from the provider.");
                break;
        }
    }

    /// <summary>A failed probe's notice waits past the next probe, so probes go round the backlog.</summary>
    private DateTime AfterProbe(PlannedSend plan, DateTime until) => plan.Probe ? until + O.OutageProbeMax : until;
}
