using System.Diagnostics;

namespace Kabar.Notifications;

/// <summary>
/// One business number's departure mark (<see cref="SenderNumber.ReleasedUntil"/>). Before a
/// WhatsApp send leaves, the mark is written at or past the send's reserved time
/// (<see cref="DeliveryAttempt.LeavesAt"/>). A process that takes the number over after a crash
/// then knows which pending sends never left: those reserved past the mark. It sends them at once
/// instead of waiting the unknown-outcome grace for a status that cannot come
/// (docs/pipeline.md, "Exactly once"). The mark is written about once per lead and runs up to a
/// lead plus <see cref="AskAhead"/> ahead of the sends: what it covers beyond the last send that
/// left is what stays in doubt after a kill.
/// </summary>
/// <param name="write">Writes the mark; false when this process no longer holds the number or the write failed
/// (the send must not leave). An exception counts as false, except a cancellation.</param>
/// <param name="lead">How far ahead of a send the mark is asked for, and how far past it the mark is written.</param>
internal sealed class DepartureMark(Func<DateTime, CancellationToken, Task<bool>> write, TimeSpan lead)
{
    /// <summary>The most a send asks ahead: past this, the mark would cover as much as the look-ahead commits.</summary>
    public static readonly TimeSpan MaxAskAhead = TimeSpan.FromSeconds(1);

    private readonly Lock sync = new();
    private DateTime written = DateTime.MinValue; // committed
    private Task<bool>? writing;
    private long askAheadTicks = lead.Ticks / 2;

    /// <summary>
    /// How long before its reserved time a send asks for the mark, the time the write has: half a
    /// lead, or twice what the recent writes took when that is longer (a busy database, a busy
    /// processor), easing back by a tenth a write. A write that takes longer than this holds the
    /// sends up; a longer time leaves more in doubt after a kill.
    /// </summary>
    public TimeSpan AskAhead => TimeSpan.FromTicks(Volatile.Read(ref askAheadTicks));

    /// <summary>
    /// Returns true once the mark is committed at or past <paramref name="leavesAt"/>, writing it
    /// (one write at a time; sends that ask meanwhile wait for it); false when it could not be
    /// written, and then the send must not leave.
    /// </summary>
    public async ValueTask<bool> CoverAsync(DateTime leavesAt, DateTime now, CancellationToken ct)
    {
        while (true)
        {
            TaskCompletionSource<bool>? mine = null;
            Task<bool> pending;
            lock (sync)
            {
                if (written >= leavesAt)
                {
                    return true;
                }

                if (writing is null)
                {
                    mine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    writing = mine.Task;
                }

                pending = writing;
            }

            if (mine is not null)
            {
                var until = (leavesAt > now ? leavesAt : now) + lead;
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var held = await write(until, ct);
                    var took = Stopwatch.GetElapsedTime(started);
                    lock (sync)
                    {
                        if (held && until > written)
                        {
                            written = until;
                        }

                        writing = null;
                        var eased = Math.Max(lead.Ticks / 2, askAheadTicks * 9 / 10);
                        Volatile.Write(ref askAheadTicks, Math.Min(MaxAskAhead.Ticks, Math.Max(eased, took.Ticks * 2)));
                    }

                    mine.SetResult(held);
                }
                catch (Exception ex)
                {
                    lock (sync)
                    {
                        writing = null;
                    }

                    if (ex is OperationCanceledException)
                    {
                        // Kabar is stopping: the sends waiting for this write stop with it.
                        mine.TrySetCanceled(ct);
                        throw;
                    }

                    mine.TrySetResult(false); // not written: the sends waiting for it do not leave
                    return false;
                }
            }

            if (!await pending)
            {
                return false;
            }
        }
    }
}
