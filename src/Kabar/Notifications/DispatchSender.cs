using Kabar.Channels;
using Kabar.Common;
using Kabar.Decisions;
using Kabar.Operations;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>A send's answer; <paramref name="Held"/>: it never left, because its provider went down or its number was paused meanwhile,
/// or (<paramref name="Unmarked"/>) because the number's departure mark could not be written for it.</summary>
internal sealed record SendAnswer(PlannedSend Plan, WhatsAppSendResult? WhatsApp, ChannelSendResult? Other, DateTime At, bool Held = false,
    bool Unmarked = false);

/// <summary>
/// Sends a pass's planned messages, several at a time, each WhatsApp send at its reserved slot;
/// tells each provider's breaker how it answered and counts the answers.
/// </summary>
internal sealed partial class DispatchSender(
    IOptions<NotificationOptions> options,
    IWhatsAppClient client,
    ISmsSender sms,
    IEmailSender email,
    CrashPoints crash,
    KabarMetrics metrics,
    TimeProvider time,
    ILogger<DispatchSender> logger)
{
    /// <summary>Meta's "throughput reached": more of the number's requests arrived in a second than its rate.</summary>
    private const int ThroughputReached = 130429;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<List<SendAnswer>> SendAllAsync(List<PlannedSend> plans, SendLimiter limiter, DepartureMark mark, CancellationToken ct)
    {
        var results = new SendAnswer[plans.Count];
        using var gate = new SemaphoreSlim(options.Value.MaxConcurrentSends);
        var accepted = 0;
        var tasks = plans.Select(async (plan, i) =>
        {
            await gate.WaitAsync(ct);
            try
            {
                results[i] = await SendOneAsync(plan, limiter, mark, ct);
                if (results[i].WhatsApp?.Outcome == SendOutcome.Accepted || results[i].Other?.Outcome == SendOutcome.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        if (accepted > 0)
        {
            crash.Hit(CrashPoints.AfterAccept);
        }

        return [.. results];
    }

    private async Task<SendAnswer> SendOneAsync(PlannedSend plan, SendLimiter limiter, DepartureMark mark, CancellationToken ct)
    {
        var result = await SendOrCrashAsync(plan, limiter, mark, ct);
        if (result.Held)
        {
            return result;
        }

        Report(result);
        // Counted here, once per answer, not where answers are recorded: recording is retried
        // as a whole on a write conflict and would count the same send twice.
        var outcome = result.WhatsApp?.Outcome ?? result.Other!.Outcome;
        metrics.Send(plan.Channel, outcome);
        if (outcome == SendOutcome.Accepted)
        {
            metrics.Accepted(plan.Channel, result.At - plan.DueAt);
        }

        return result;
    }

    private async Task<SendAnswer> SendOrCrashAsync(PlannedSend plan, SendLimiter limiter, DepartureMark mark, CancellationToken ct)
    {
        try
        {
            switch (plan.Channel)
            {
                case Channel.WhatsApp:
                    DateTime? leftAt = null;
                    try
                    {
                        if (!await MarkedAsync(plan, mark, ct))
                        {
                            return new SendAnswer(plan, null, null, Now, Held: true, Unmarked: true);
                        }

                        // Timers round to whole milliseconds and may wake a little early: wait
                        // until the slot is really free, with a millisecond to spare.
                        while (plan.ReadyAt is { } readyAt && Now <= readyAt)
                        {
                            await Task.Delay(readyAt - Now + TimeSpan.FromMilliseconds(1), time, ct);
                        }

                        if (!plan.Probe && plan.Breaker.Holds())
                        {
                            return new SendAnswer(plan, null, null, Now, Held: true);
                        }

                        // The slot is held from here: Meta counts the request when it arrives,
                        // a network delay after it is written, not when its answer comes back.
                        leftAt = Now;
                        limiter.Depart(leftAt.Value);
                        var answer = await client.SendAsync(plan.WhatsApp!, ct, () => leftAt = limiter.Written(leftAt.Value, Now));
                        if (answer is { Outcome: SendOutcome.Failed, ErrorCode: ThroughputReached })
                        {
                            limiter.Throttled(Now);
                        }

                        return new SendAnswer(plan, answer, null, Now);
                    }
                    finally
                    {
                        if (leftAt is { } at)
                        {
                            limiter.Answered(at, Now);
                        }
                        else
                        {
                            limiter.Return(Now, plan.ReadyAt); // the slot was never used
                        }
                    }

                case var _ when !plan.Probe && plan.Breaker.Holds():
                    return new SendAnswer(plan, null, null, Now, Held: true);
                case Channel.Sms:
                    return new SendAnswer(plan, null, await sms.SendAsync(plan.Sms!, ct), Now);
                default:
                    return new SendAnswer(plan, null, await email.SendAsync(plan.Email!, ct), Now);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever went wrong, the request may have left: treat the outcome as unknown.
            LogSendCrashed(ex, plan.NotificationId);
            return plan.Channel == Channel.WhatsApp
                ? new SendAnswer(plan, new WhatsAppSendResult(SendOutcome.Unknown, ErrorTitle: ex.GetType().Name), null, Now)
                : new SendAnswer(plan, null, new ChannelSendResult(SendOutcome.Unknown, Error: ex.GetType().Name), Now);
        }
    }

    /// <summary>
    /// Whether the number's departure mark covers the send, which may leave only then. It is
    /// asked for ahead of the slot, so the write is usually done by then.
    /// </summary>
    private async Task<bool> MarkedAsync(PlannedSend plan, DepartureMark mark, CancellationToken ct)
    {
        var askAt = plan.LeavesAt - mark.AskAhead;
        while (Now < askAt)
        {
            await Task.Delay(askAt - Now + TimeSpan.FromMilliseconds(1), time, ct);
        }

        if (await mark.CoverAsync(plan.LeavesAt, Now, ct))
        {
            return true;
        }

        if (plan.Probe)
        {
            plan.Breaker.AbandonProbe(); // it measured nothing: the next pass probes again
        }

        return false;
    }

    /// <summary>An account-level error: the answer pauses its number (<see cref="OutageBreaker.Pause"/>) until the pause is recorded and lifted.</summary>
    public static bool PausesNumber(SendAnswer result) =>
        result.WhatsApp is { Outcome: SendOutcome.Failed } failed && ErrorTable.For(failed.ErrorCode) == ErrorAction.AccountProblem;

    /// <summary>Tells the provider's breaker how it answered, in the order the answers came.</summary>
    private void Report(SendAnswer result)
    {
        var breaker = result.Plan.Breaker;
        bool? working = result switch
        {
            { WhatsApp.Outcome: SendOutcome.Accepted } or { Other.Outcome: SendOutcome.Accepted } => true,
            { WhatsApp.Outcome: SendOutcome.Unknown } or { Other.Outcome: SendOutcome.Unknown } => false,
            { WhatsApp: { } wa } => ErrorTable.For(wa.ErrorCode) switch
            {
                ErrorAction.Retry => false,
                ErrorAction.AccountProblem => null,
                _ => true, // refused for this message's own reasons: the provider is up
            },
            { Other: { } other } => !other.Retryable,
            _ => null,
        };
        if (PausesNumber(result))
        {
            breaker.Pause(); // what has not left yet of this pass stays unsent
        }

        if (working == true && breaker.Succeeded(result.At, result.Plan.Probe) is { } lasted)
        {
            LogProviderBack(breaker.Provider, lasted);
        }
        else if (working == false && breaker.Failed(result.At, result.WhatsApp?.RetryAfter, result.Plan.Probe) is { } until)
        {
            LogProviderDown(breaker.Provider, until - result.At, result.WhatsApp?.ErrorCode);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} is failing (last error {Code}): its sends are held for {Pause}, then one probe goes alone; sends that had not left keep their tries")]
    private partial void LogProviderDown(string provider, TimeSpan pause, int? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} answers again after {Lasted}: the held sends go now")]
    private partial void LogProviderBack(string provider, TimeSpan lasted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending notification {NotificationId} threw; its outcome is treated as unknown")]
    private partial void LogSendCrashed(Exception ex, Guid notificationId);
}
