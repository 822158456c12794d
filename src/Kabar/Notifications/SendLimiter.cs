namespace Kabar.Notifications;

/// <summary>
/// Per business number pacing (SPEC §6): no sliding one-second window may carry more than the
/// number's messages/second. A send occupies a slot from the moment it is reserved until one
/// second after its answer came back; since a request reaches Meta before its answer returns,
/// the requests Meta sees are then never more than the limit in any second, whatever the network
/// latency. Bursts up to the limit are allowed, which is what lets a batch go out at once.
/// </summary>
internal sealed class SendLimiter(int messagesPerSecond)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly Lock gate = new();
    private readonly Queue<DateTime> finished = new();
    private int inFlight;

    public int MessagesPerSecond { get; } = messagesPerSecond;

    /// <summary>Slots free now, or by <paramref name="horizon"/> when given.</summary>
    public int Available(DateTime now, DateTime? horizon = null)
    {
        lock (gate)
        {
            Expire(now);
            var until = horizon ?? now;
            return Math.Max(0, MessagesPerSecond - inFlight - finished.Count(f => f + Second > until));
        }
    }

    public bool TryAcquire(DateTime now) => TryReserve(now, now, out _);

    /// <summary>
    /// Takes a slot that is free now, or that frees up by <paramref name="horizon"/>; the send
    /// must not start before <paramref name="readyAt"/>. Reserving ahead lets the dispatcher do
    /// its database work while the previous second's slots run out, instead of after.
    /// </summary>
    public bool TryReserve(DateTime now, DateTime horizon, out DateTime readyAt)
    {
        lock (gate)
        {
            Expire(now);
            if (inFlight + finished.Count < MessagesPerSecond)
            {
                inFlight++;
                readyAt = now;
                return true;
            }

            if (finished.Count > 0 && finished.Peek() + Second <= horizon)
            {
                readyAt = finished.Dequeue() + Second;
                inFlight++;
                return true;
            }

            readyAt = default;
            return false;
        }
    }

    /// <summary>A reserved slot that was not used after all.</summary>
    public void Return()
    {
        lock (gate)
        {
            inFlight--;
        }
    }

    /// <summary>The send's answer came back (or it failed) at <paramref name="now"/>.</summary>
    public void Release(DateTime now)
    {
        lock (gate)
        {
            inFlight--;
            finished.Enqueue(now);
        }
    }

    /// <summary>When the next slot frees up, if none is free now.</summary>
    public DateTime? NextFree(DateTime now)
    {
        lock (gate)
        {
            Expire(now);
            if (inFlight + finished.Count < MessagesPerSecond)
            {
                return null;
            }

            return finished.Count > 0 ? finished.Peek() + Second : now + TimeSpan.FromMilliseconds(10);
        }
    }

    private void Expire(DateTime now)
    {
        while (finished.Count > 0 && finished.Peek() + Second <= now)
        {
            finished.Dequeue();
        }
    }
}
