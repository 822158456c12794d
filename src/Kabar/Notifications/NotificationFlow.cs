using Kabar.Channels;
using Kabar.Consent;
using Kabar.Data;
using Kabar.Decisions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>
/// What an attempt's outcome does to its notification: the one place that applies SPEC §6's
/// rules, used by the dispatcher (synchronous answers) and by status webhooks (<c>failed</c>,
/// <c>delivered</c>…). Works on the entities in memory; the caller saves them, tracked, or
/// writes the fields that changed (<see cref="Statuses.AppliedRows"/>). Every change is forward
/// only, so applying the same outcome twice, or late, changes nothing.
/// </summary>
public sealed partial class NotificationFlow(
    KabarDbContext db,
    ConsentLedger ledger,
    IOptions<NotificationOptions> options,
    ILogger<NotificationFlow> logger)
{
    private NotificationOptions O => options.Value;

    /// <summary>Moves an attempt forward (never back) and records the step in its history.</summary>
    public bool Advance(DeliveryAttempt attempt, AttemptStatus status, DateTime at, DateTime now, int? errorCode = null)
    {
        var moved = attempt.Status switch
        {
            AttemptStatus.Failed => false,
            _ when status == AttemptStatus.Failed => DeliveryAttempt.Rank(attempt.Status) < DeliveryAttempt.Rank(AttemptStatus.Delivered),
            _ when status == AttemptStatus.Unknown => attempt.Status == AttemptStatus.Pending,
            _ => DeliveryAttempt.Rank(status) > DeliveryAttempt.Rank(attempt.Status),
        };
        if (moved)
        {
            attempt.Status = status;
            attempt.UpdatedAt = now;
        }

        db.AttemptStatusChanges.Add(new AttemptStatusChange { AttemptId = attempt.Id, Status = status, At = at, ErrorCode = errorCode });
        return moved;
    }

    /// <summary>The provider took the message (or a status shows it did).</summary>
    public void Progress(Notification n, DeliveryAttempt attempt, DateTime now)
    {
        if (n.CurrentAttemptId != attempt.Id || IsFinal(n.State))
        {
            // A WhatsApp delivery after the fallback went out is kept on its attempt, never re-sent.
            return;
        }

        if (n.FallbackReason is not null && attempt.Channel == Channel.WhatsApp && attempt.Status is not (AttemptStatus.Delivered or AttemptStatus.Read))
        {
            // WhatsApp was given up (not delivered in time): only a delivery can still stop the fallback.
            return;
        }

        var state = attempt.Status switch
        {
            AttemptStatus.Delivered => NotificationState.Delivered,
            AttemptStatus.Read => NotificationState.Read,
            AttemptStatus.Accepted or AttemptStatus.Sent => NotificationState.Sent,
            _ => n.State,
        };
        if (Rank(state) <= Rank(n.State) && n.State is not (NotificationState.Sending or NotificationState.Queued or NotificationState.Scheduled))
        {
            return;
        }

        n.State = state;
        n.Channel = attempt.Channel;
        n.LockedUntil = null;
        n.LockedBy = null;
        n.UpdatedAt = now;
        if (attempt.Channel == Channel.WhatsApp && state == NotificationState.Sent && n.Essential && n.FallbackReason is null)
        {
            n.FallbackDueAt ??= now + O.DeliveryTimeout;
        }

        if (state is NotificationState.Delivered or NotificationState.Read)
        {
            n.FallbackDueAt = null;
        }
    }

    /// <summary>The request may have reached the provider: wait for a status before any retry.</summary>
    public void Unknown(Notification n, DeliveryAttempt attempt, DateTime now, string why)
    {
        Advance(attempt, AttemptStatus.Unknown, now, now);
        attempt.Error = why;
        if (n.CurrentAttemptId != attempt.Id || n.State != NotificationState.Sending)
        {
            return;
        }

        if (attempt.Channel == Channel.WhatsApp)
        {
            Requeue(n, now + O.UnknownOutcomeGrace, now);
            return;
        }

        // An SMS gateway or mail server that went silent after taking the message most likely
        // has it, and no status will tell: sending again would be the duplicate.
        n.State = NotificationState.Sent;
        n.LastError = why;
        n.LockedUntil = null;
        n.LockedBy = null;
        n.UpdatedAt = now;
    }

    /// <summary>A WhatsApp error, from the send's answer or a <c>failed</c> status: SPEC §6's table.</summary>
    public async Task WhatsAppFailedAsync(Notification n, DeliveryAttempt attempt, int? code, string? error,
        TimeSpan? retryAfter, DateTime at, DateTime now, CancellationToken ct)
    {
        if (!Advance(attempt, AttemptStatus.Failed, at, now, code))
        {
            return; // already failed, or delivered: a late 'failed' changes nothing
        }

        attempt.ErrorCode ??= code;
        attempt.Error ??= Trim(error);
        if (n.CurrentAttemptId != attempt.Id || IsFinal(n.State) || n.FallbackReason is not null
            || n.State is NotificationState.Delivered or NotificationState.Read)
        {
            return;
        }

        n.LastErrorCode = code;
        n.LastError = Trim(error);
        var action = ErrorTable.For(code);
        switch (action)
        {
            case ErrorAction.Retry:
                RetryOrFallBack(n, code, retryAfter, now);
                break;
            case ErrorAction.PairRate:
                n.PairRateHits++;
                Requeue(n, now + TimeSpan.FromSeconds(Math.Min(Math.Pow(4, n.PairRateHits), 3600)), now);
                break;
            case ErrorAction.WindowClosed:
                FallBack(n, "window_closed", now);
                break;
            case ErrorAction.Undeliverable:
                if (attempt.ContactId is { } contactId && await FindContactAsync(contactId, ct) is { } person)
                {
                    person.UndeliverableAt = now;
                }

                FallBack(n, "not_on_whatsapp", now);
                break;
            case ErrorAction.MarketingHeld:
                if (n.Essential)
                {
                    FallBack(n, "marketing_held", now);
                }
                else
                {
                    Requeue(n, now + TimeSpan.FromHours(24), now);
                }

                break;
            case ErrorAction.MarketingStopped:
                await WithdrawMarketingAsync(attempt, at, now, ct);
                if (n.Essential)
                {
                    FallBack(n, "marketing_opted_out", now);
                }
                else
                {
                    Finish(n, NotificationState.Failed, now);
                }

                break;
            case ErrorAction.RequestProblem:
                await FlagTemplateAsync(attempt, code, now, ct);
                FallBack(n, $"whatsapp_error_{code}", now);
                break;
            case ErrorAction.AccountProblem:
                await PauseNumberAsync(attempt.PhoneNumberId, code, error, now, ct);
                n.WhatsAppTries = Math.Max(0, n.WhatsAppTries - 1); // the person is not at fault: keep their tries
                Requeue(n, now, now);
                break;
        }
    }

    /// <summary>A transient error: try WhatsApp again after a backoff (or the provider's Retry-After), until the tries run out.</summary>
    private void RetryOrFallBack(Notification n, int? code, TimeSpan? retryAfter, DateTime now)
    {
        if (n.WhatsAppTries >= O.MaxWhatsAppTries)
        {
            FallBack(n, $"whatsapp_error_{code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "http"}", now);
        }
        else
        {
            var wait = Backoff(n.WhatsAppTries);
            Requeue(n, now + (retryAfter is { } ra && ra > wait ? ra : wait), now);
        }
    }

    /// <summary>
    /// A send that failed transiently, or never left, while its provider is down or its number paused
    /// (<see cref="OutageBreaker"/>): the notice waits until <paramref name="until"/> — or, for an
    /// essential notice held too long, falls back now. A send that never left gets its try back
    /// (<paramref name="refund"/>); one that went out and failed has spent it.
    /// </summary>
    public void HeldByOutage(Notification n, DeliveryAttempt attempt, int? code, string? error, DateTime until, bool fallBack, bool refund, DateTime now)
    {
        if (!Advance(attempt, AttemptStatus.Failed, now, now, code))
        {
            return;
        }

        attempt.ErrorCode ??= code;
        attempt.Error ??= Trim(error);
        if (n.CurrentAttemptId != attempt.Id || IsFinal(n.State) || n.State is NotificationState.Delivered or NotificationState.Read)
        {
            return;
        }

        if (refund && attempt.Channel == Channel.WhatsApp)
        {
            n.WhatsAppTries = Math.Max(0, n.WhatsAppTries - 1);
        }
        else if (refund)
        {
            n.FallbackTries = Math.Max(0, n.FallbackTries - 1);
        }

        n.LastErrorCode = code;
        n.LastError = Trim(error);
        if (fallBack)
        {
            FallBack(n, "whatsapp_outage", now);
        }
        else
        {
            Requeue(n, until, now);
        }
    }

    /// <summary>What a WhatsApp try that never left says, on record.</summary>
    public const string NeverLeftError = "Not sent: held back before its time to leave (Kabar stopped, the business number passed to another process, or the departure could not be recorded); queued again.";

    /// <summary>
    /// A WhatsApp try that never left (reserved past its number's departure mark when its process
    /// stopped, or its mark could not be written): it failed without reaching anyone, its try is
    /// given back and the notice is due again at <paramref name="dueAt"/>.
    /// </summary>
    public void NeverLeft(Notification n, DeliveryAttempt attempt, DateTime dueAt, DateTime now)
    {
        if (attempt.Status != AttemptStatus.Pending || !Advance(attempt, AttemptStatus.Failed, now, now))
        {
            return;
        }

        attempt.Error = NeverLeftError;
        if (n.CurrentAttemptId != attempt.Id || n.State != NotificationState.Sending)
        {
            return;
        }

        n.WhatsAppTries = Math.Max(0, n.WhatsAppTries - 1);
        Requeue(n, dueAt, now);
    }

    /// <summary>
    /// A probe of a failing provider (<see cref="OutageBreaker"/>) that got no answer: it measured
    /// the provider, not the message, so its try comes back and the notice goes behind the backlog
    /// (<paramref name="behind"/>), so the next probe is another notice. Like any unanswered send
    /// it is not sent again before the grace for a status is over, and then as a possible duplicate.
    /// </summary>
    public void UnknownProbe(Notification n, DeliveryAttempt attempt, DateTime behind, DateTime now)
    {
        var waiting = n.CurrentAttemptId == attempt.Id && n.State == NotificationState.Sending;
        Unknown(n, attempt, now, "No answer from the WhatsApp Cloud API.");
        if (waiting && attempt.Channel == Channel.WhatsApp)
        {
            n.WhatsAppTries = Math.Max(0, n.WhatsAppTries - 1);
            if (n.DueAt < behind)
            {
                n.DueAt = behind;
            }
        }
    }

    /// <summary>An SMS or e-mail provider refused or could not be reached.</summary>
    public void ChannelFailed(Notification n, DeliveryAttempt attempt, ChannelSendResult result, DateTime now)
    {
        Advance(attempt, AttemptStatus.Failed, now, now);
        attempt.Error = Trim(result.Error);
        if (n.CurrentAttemptId != attempt.Id || IsFinal(n.State))
        {
            return;
        }

        n.LastError = Trim(result.Error);
        if (result.Retryable && n.FallbackTries < O.MaxFallbackTries)
        {
            Requeue(n, now + Backoff(n.FallbackTries), now);
        }
        else if (attempt.Channel == Channel.Sms)
        {
            // SMS is given up: the dispatcher tries e-mail next, if the person has an address. A
            // retryable failure above keeps the channel, so its retry goes by SMS again.
            n.FallbackReason ??= "sms_failed";
            n.Channel = Channel.Email;
            Requeue(n, now, now);
        }
        else
        {
            Finish(n, NotificationState.Failed, now);
        }
    }

    /// <summary>Gives WhatsApp up: essential notices (and routine ones not configured to skip) go by SMS/e-mail.</summary>
    public void FallBack(Notification n, string reason, DateTime now)
    {
        // Keyword confirmations and inbox answers only make sense on WhatsApp; a routine type may be set to skip.
        if (SystemNotificationTypes.IsAnswer(n.Type))
        {
            n.FallbackReason = reason;
            Finish(n, NotificationState.Failed, now);
            return;
        }

        if (!n.Essential && O.SkipFallbackTypes.Contains(n.Type, StringComparer.Ordinal))
        {
            n.FallbackReason = reason;
            Finish(n, NotificationState.Skipped, now);
            return;
        }

        n.FallbackReason = reason;
        n.FallbackDueAt = null;
        Requeue(n, now, now);
    }

    public static void Requeue(Notification n, DateTime dueAt, DateTime now)
    {
        n.State = NotificationState.Queued;
        n.DueAt = dueAt;
        n.LockedUntil = null;
        n.LockedBy = null;
        n.UpdatedAt = now;
    }

    public static void Finish(Notification n, NotificationState state, DateTime now)
    {
        n.State = state;
        n.LockedUntil = null;
        n.LockedBy = null;
        n.FallbackDueAt = null;
        n.UpdatedAt = now;
    }

    public static bool IsFinal(NotificationState s) =>
        s is NotificationState.Failed or NotificationState.Skipped or NotificationState.Cancelled;

    private static int Rank(NotificationState s) => s switch
    {
        NotificationState.Sent => 1,
        NotificationState.Delivered => 2,
        NotificationState.Read => 3,
        _ => 0,
    };

    /// <summary>Exponential backoff with full jitter, capped.</summary>
    public TimeSpan Backoff(int tries)
    {
        var ceiling = Math.Min(O.RetryMaxDelay.TotalMilliseconds, O.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, tries - 1)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private async Task WithdrawMarketingAsync(DeliveryAttempt attempt, DateTime at, DateTime now, CancellationToken ct)
    {
        if (attempt.ContactId is not { } contactId)
        {
            return;
        }

        var contact = await FindContactAsync(contactId, ct);
        if (contact is null || contact.MarketingConsent == ConsentState.Withdrawn)
        {
            return;
        }

        await ledger.AppendAsync(contact, ConsentScope.WhatsAppMarketing, ConsentAction.Withdrawn, ConsentSource.WhatsAppError,
            ConsentChain.ToMilliseconds(at), ConsentChain.ToMilliseconds(now),
            new ConsentEvidence { WhatsAppMessageId = attempt.ProviderMessageId, Note = "error 131050" }, ct);
    }

    private async Task<Contacts.Contact?> FindContactAsync(Guid id, CancellationToken ct) =>
        db.Contacts.Local.FirstOrDefault(c => c.Id == id) ?? await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, ct);

    // The side effects below are tracked changes, saved with the caller's unit of work: a
    // webhook batch that rolls back leaves no half of itself behind.
    private async Task FlagTemplateAsync(DeliveryAttempt attempt, int? code, DateTime now, CancellationToken ct)
    {
        if (attempt.TemplateName is not { } name)
        {
            return;
        }

        var templates = db.WhatsAppTemplates.Local.Where(t => t.Name == name).ToList();
        if (templates.Count == 0)
        {
            templates = await db.WhatsAppTemplates.Where(t => t.Name == name).ToListAsync(ct);
        }

        foreach (var t in templates.Where(t => t.FlagCode != code || t.FlaggedAt is null))
        {
            t.FlaggedAt = now;
            t.FlagCode = code;
            LogTemplateFlagged(name, code);
        }
    }

    private async Task PauseNumberAsync(string? phoneNumberId, int? code, string? error, DateTime now, CancellationToken ct)
    {
        if (phoneNumberId is null)
        {
            return;
        }

        var number = db.SenderNumbers.Local.FirstOrDefault(s => s.PhoneNumberId == phoneNumberId)
            ?? await db.SenderNumbers.FirstOrDefaultAsync(s => s.PhoneNumberId == phoneNumberId, ct);
        if (number is { PausedAt: null })
        {
            number.PausedAt = now;
            number.PauseCode = code;
            number.PauseReason = Trim(error);
            LogNumberPaused(phoneNumberId, code);
        }
    }

    private static string? Trim(string? s) => s is null || s.Length <= 500 ? s : s[..500];

    [LoggerMessage(Level = LogLevel.Critical, Message = "WhatsApp number {PhoneNumberId} paused after account-level error {Code}; its queue is kept until an operator resumes it")]
    private partial void LogNumberPaused(string phoneNumberId, int? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp template {Name} flagged after error {Code}")]
    private partial void LogTemplateFlagged(string name, int? code);
}
