namespace Kabar.Notifications;

/// <summary>
/// Per business number pacing (SPEC §6): no sliding one-second window may carry more than the
/// number's messages/second. A send occupies a slot from the moment it starts until one second
/// after its answer came back; since a request reaches Meta before its answer returns, the
/// requests Meta sees are then never more than the limit in any second, whatever the network
/// latency. Bursts up to the limit are allowed, which is what lets a batch go out at once.
/// </summary>
public sealed class SendLimiter(int messagesPerSecond)
{
    private readonly Lock gate = new();
    private readonly Queue<DateTime> finished = new();
    private int inFlight;

    public int MessagesPerSecond { get; } = messagesPerSecond;

    /// <summary>Slots free now.</summary>
    public int Available(DateTime now)
    {
        lock (gate)
        {
            Expire(now);
            return Math.Max(0, MessagesPerSecond - inFlight - finished.Count);
        }
    }

    public bool TryAcquire(DateTime now)
    {
        lock (gate)
        {
            Expire(now);
            if (inFlight + finished.Count >= MessagesPerSecond)
            {
                return false;
            }

            inFlight++;
            return true;
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

            return finished.Count > 0 ? finished.Peek() + TimeSpan.FromSeconds(1) : now + TimeSpan.FromMilliseconds(10);
        }
    }

    private void Expire(DateTime now)
    {
        while (finished.Count > 0 && finished.Peek() + TimeSpan.FromSeconds(1) <= now)
        {
            finished.Dequeue();
        }
    }
}
