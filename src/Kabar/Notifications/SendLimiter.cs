using Kabar.WhatsApp;

namespace Kabar.Notifications;

/// <summary>
/// Per business number pacing (SPEC §6): Meta counts a message when its request arrives, and no
/// sliding second of arrivals may carry more than the number's messages/second. A request arrives
/// somewhere between leaving Kabar and its answer coming back. Each of the
/// <see cref="MessagesPerSecond"/> slots is held from a send's reservation until it may be used
/// again, and a slot's next send leaves no earlier (docs/pipeline.md, "Limits"):
/// <list type="bullet">
/// <item>while the provider answers quickly (any answer of the last 10–20 s within
/// <see cref="QuickAnswer"/>, the configured spread), and for every quick answer: until one second after
/// the answer. The arrival lay before it, so this is exact; a nearby server (the simulator, a test)
/// is held to it whatever queues in front of it;</item>
/// <item>while every recent answer took longer, as Meta's do: one second and <see cref="Spread"/>
/// after the send <em>left</em>, that is, after its request was written to the connection
/// (<see cref="Written"/>). Meta's processing, most of the round trip, follows the arrival; as
/// long as the delays on the way there differ by no more than the spread, no second of arrivals
/// holds more than the rate, and the round trip does not cost the number its rate. A send that
/// leaves before the first answer, or on a connection opened for it (a handshake late), is held by
/// the exact rule of the first item.</item>
/// </list>
/// Past a burst, sends to a distant provider leave evenly; to a nearby one (and before the first
/// answer), bursts up to the limit are allowed, which is what lets a batch go out at once. A 130429 is
/// retried like any throughput error. Refusals beyond a thousandth of a minute at the rate mean
/// arrivals bunch more than the spread allows: the spread then widens (doubling, up to a second)
/// and narrows back a step per ten quiet minutes.
/// </summary>
internal sealed class SendLimiter
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxSpread = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuietStep = TimeSpan.FromMinutes(10);
    private readonly Lock gate = new();

    /// <summary>The sends that left within the last window or so, and returned reservations not yet due.</summary>
    private readonly List<Held> held = [];
    private readonly TimeSpan baseSpread;
    private TimeSpan spread;
    private DateTime? widenedAt;
    private int reserved;

    /// <summary>
    /// The Graph API client's keep-alive connections (HTTP/1.1, one request at a time each), as this
    /// number's sends would have opened them: when each was opened. Sends that have left and not
    /// been answered hold <see cref="inFlight"/> of them.
    /// </summary>
    private readonly Queue<DateTime> connections = new();
    private int inFlight;
    private DateTime lastDeparture;

    private DateTime minuteSince;
    private int minuteSends, minuteRefused;

    /// <summary>When the next send would leave if sends left one <see cref="Gap"/> apart (GCRA's theoretical arrival time).</summary>
    private DateTime paced;

    /// <summary>When the last send reserved so far may leave.</summary>
    private DateTime lastReady;

    /// <summary>The quickest round trip in the current and the previous <see cref="RoundTripBucket"/>; null before the first answer.</summary>
    private TimeSpan? quickestNow, quickestBefore;
    private DateTime quickestSince;
    private static readonly TimeSpan RoundTripBucket = TimeSpan.FromSeconds(10);

    public SendLimiter(int messagesPerSecond, TimeSpan spread)
    {
        MessagesPerSecond = messagesPerSecond;
        baseSpread = spread;
        this.spread = spread;
    }

    public int MessagesPerSecond { get; }

    /// <summary>How much later than the others a request may be counted by Meta after it left: the configured spread, widened after a 130429.</summary>
    public TimeSpan Spread
    {
        get
        {
            lock (gate)
            {
                return spread;
            }
        }
    }

    /// <summary>A send answered within the configured spread holds its slot until a second after its answer.</summary>
    public TimeSpan QuickAnswer => baseSpread;

    /// <summary>The quickest answer of the last 10–20 s; null before any came.</summary>
    private TimeSpan? Quickest => quickestNow is null && quickestBefore is null
        ? null
        : TimeSpan.FromTicks(Math.Min(quickestNow?.Ticks ?? long.MaxValue, quickestBefore?.Ticks ?? long.MaxValue));

    /// <summary>
    /// Every answer of the last 10–20 s took longer than <see cref="QuickAnswer"/>: a distant
    /// provider, as Meta is. Kept up to date by <see cref="Answered"/>, the only place the round
    /// trips change: every slot's check reads it.
    /// </summary>
    private bool Distant { get; set; }

    /// <summary>Slots free now, or by <paramref name="horizon"/> when given.</summary>
    public int Available(DateTime now, DateTime? horizon = null)
    {
        lock (gate)
        {
            Expire(now);
            var until = horizon ?? now;
            var busy = 0;
            foreach (var h in held)
            {
                busy += FreeAt(h) > until ? 1 : 0;
            }

            var slots = MessagesPerSecond - reserved - busy;
            if (!Distant)
            {
                return Math.Max(0, slots);
            }

            // Sending evenly: no more than leave one gap apart by then (fewer than may, past a burst).
            var from = PacedFrom(now);
            var paceRoom = until < from ? 0 : (until - from).Ticks / Gap.Ticks + 1;
            return (int)Math.Max(0, Math.Min(slots, paceRoom));
        }
    }

    public bool TryAcquire(DateTime now) => TryReserve(now, now, out _);

    /// <summary>
    /// With a distant provider, when the last send reserved and not yet left may leave; null when
    /// none waits, or while the provider is not known to be distant (sends are then not paced,
    /// and a reservation waits for a slot, not for its turn).
    /// </summary>
    public DateTime? PreparedUntil(DateTime now)
    {
        lock (gate)
        {
            if (!Distant || reserved == 0)
            {
                return null;
            }

            return lastReady > now ? lastReady : null;
        }
    }

    /// <summary>
    /// Takes a slot that is free now, or that frees up by <paramref name="horizon"/>; the send
    /// must not leave before <paramref name="readyAt"/>. Reserving ahead lets the dispatcher do
    /// its database work while the previous second's slots run out, instead of after.
    /// </summary>
    public bool TryReserve(DateTime now, DateTime horizon, out DateTime readyAt)
    {
        lock (gate)
        {
            Expire(now);
            if (reserved + held.Count < MessagesPerSecond && PacedFrom(now) is var paceReady && paceReady <= horizon)
            {
                return Reserve(paceReady, out readyAt);
            }

            var first = EarliestFree();
            if (first is { } i && Later(FreeAt(held[i]), PacedFrom(now)) is var ready && ready <= horizon)
            {
                held.RemoveAt(i);
                return Reserve(ready, out readyAt);
            }

            readyAt = default;
            return false;
        }
    }

    private bool Reserve(DateTime ready, out DateTime readyAt)
    {
        reserved++;
        lastReady = Later(lastReady, ready);
        if (Distant)
        {
            paced = Later(paced, ready) + Gap;
        }

        readyAt = ready;
        return true;
    }

    /// <summary>
    /// With a distant provider, sends past a burst of a fiftieth of the rate (ten at least) leave
    /// evenly, one <see cref="Gap"/> apart: a burst of the whole rate queues at the receiving end,
    /// and a request that waited there is counted later than one that did not. A nearby one takes
    /// the burst at once, and so does a number before its first answer: those sends keep the
    /// exact rule, which holds however they queue.
    /// </summary>
    private DateTime PacedFrom(DateTime now) =>
        Distant ? Later(now, Later(paced, now) - (Gap * (Burst - 1))) : now;

    private int Burst => Math.Max(10, MessagesPerSecond / 50);

    private TimeSpan Gap => (Second + spread) / MessagesPerSecond;

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>
    /// A reserved slot that was not used after all. Its slot frees when it would have been free
    /// for the send: at <paramref name="readyAt"/>, the time <see cref="TryReserve"/> gave.
    /// </summary>
    public void Return(DateTime now, DateTime? readyAt)
    {
        lock (gate)
        {
            reserved--;
            if (readyAt is { } ready && ready > now)
            {
                held.Add(new Held(ready, Until: ready));
            }
        }
    }

    /// <summary>A reserved send leaves at <paramref name="now"/>.</summary>
    public void Depart(DateTime now)
    {
        lock (gate)
        {
            reserved--;
            // A send that has to open a connection reaches the provider a handshake (a round trip
            // or two) later than one on an open connection: it holds its slot by the exact rule.
            var opens = OpensConnection(now);
            held.Add(new Held(now, Evenly: Distant && !opens));
            Count(now);
            minuteSends++;
        }
    }

    /// <summary>
    /// The request of the send that left at <paramref name="leftAt"/> (<see cref="Depart"/>) was
    /// written to its connection at <paramref name="now"/>; returns when the send now counts as
    /// having left. Between the two the process may have paused (a collection, a descheduled
    /// thread): sends stamped during the pause go out together after it, later than they left,
    /// and by more than the spread allows. Counted from the write, their slots are held as long
    /// as the rule needs; a stamp taken late errs on the safe side.
    /// </summary>
    public DateTime Written(DateTime leftAt, DateTime now)
    {
        if (now <= leftAt)
        {
            return leftAt;
        }

        lock (gate)
        {
            // From the newest: the send left a moment ago.
            for (var i = held.Count - 1; i >= 0; i--)
            {
                if (held[i] is { AnsweredAt: null, Until: null } h && h.Left == leftAt)
                {
                    held[i] = h with { Left = now };
                    return now;
                }
            }

            return leftAt;
        }
    }

    /// <summary>
    /// Whether a send leaving at <paramref name="now"/> finds every open connection busy, so that
    /// the client opens one for it. Connections close after <see cref="CloudApiClient.ConnectionLifetime"/>,
    /// and all of them once nothing was sent for <see cref="CloudApiClient.ConnectionIdle"/>.
    /// </summary>
    private bool OpensConnection(DateTime now)
    {
        if (now - lastDeparture >= CloudApiClient.ConnectionIdle)
        {
            connections.Clear();
        }

        while (connections.TryPeek(out var opened) && now - opened >= CloudApiClient.ConnectionLifetime)
        {
            connections.Dequeue();
        }

        lastDeparture = now;
        inFlight++;
        if (inFlight <= connections.Count)
        {
            return false;
        }

        connections.Enqueue(now);
        return true;
    }

    /// <summary>The answer to a send that left at <paramref name="leftAt"/> came back (or it failed) at <paramref name="now"/>.</summary>
    public void Answered(DateTime leftAt, DateTime now)
    {
        lock (gate)
        {
            inFlight = Math.Max(0, inFlight - 1);
            for (var i = 0; i < held.Count; i++)
            {
                if (held[i] is { AnsweredAt: null, Until: null } h && h.Left == leftAt)
                {
                    held[i] = h with { AnsweredAt = now };
                    break;
                }
            }

            if (now - quickestSince >= RoundTripBucket)
            {
                quickestBefore = now - quickestSince >= RoundTripBucket + RoundTripBucket ? null : quickestNow;
                quickestNow = null;
                quickestSince = now;
            }

            var trip = now - leftAt;
            quickestNow = quickestNow is { } q && q <= trip ? q : trip;
            Distant = Quickest is { } quickest && quickest > QuickAnswer;
        }
    }

    /// <summary>
    /// Meta refused a send with 130429 at <paramref name="now"/>: requests arrived closer together
    /// than they left. Once the minute's refusals pass a thousandth of what the number may send in
    /// a minute (of what it sent, if more), the spread doubles (at least 50 ms more), up to a
    /// second. Fewer are retried like any other refusal and cost the number nothing more: one
    /// stall on the way bunches a few dozen arrivals, and widening for it would cost a tenth of
    /// the rate for ten minutes.
    /// </summary>
    public void Throttled(DateTime now)
    {
        lock (gate)
        {
            Count(now);
            minuteRefused++;
            if (minuteRefused * 1000 <= Math.Max(minuteSends, MessagesPerSecond * 60) || (widenedAt is { } at && now - at < Second))
            {
                return; // one widening per bunch of refusals
            }

            var wider = spread + spread + TimeSpan.FromMilliseconds(50);
            spread = wider < MaxSpread ? wider : MaxSpread;
            widenedAt = now;
        }
    }

    /// <summary>When the next slot frees up, if none is free now.</summary>
    public DateTime? NextFree(DateTime now)
    {
        lock (gate)
        {
            Expire(now);
            var evenly = PacedFrom(now);
            if (reserved + held.Count < MessagesPerSecond)
            {
                return evenly > now ? evenly : null;
            }

            // Every slot waits for an answer: look again shortly.
            return EarliestFree() is { } i && FreeAt(held[i]) is var free && free != DateTime.MaxValue
                ? Later(free, evenly)
                : now + TimeSpan.FromMilliseconds(10);
        }
    }

    /// <summary>
    /// When a slot may be used again: a second after a quick answer; a second and the spread after
    /// an even send to a distant provider left; else a second after its answer, and not before it came.
    /// </summary>
    private DateTime FreeAt(Held h)
    {
        if (h.Until is { } until)
        {
            return until;
        }

        // Sent before the provider was known to be distant, or on a connection opened for it.
        if (h.AnsweredAt is { } answered && (answered - h.Left <= QuickAnswer || !Distant || !h.Evenly))
        {
            return answered + Second;
        }

        if (Distant && h.Evenly)
        {
            // Not answered yet, or not quickly: the rule of a distant provider.
            return h.Left + Second + spread;
        }

        return DateTime.MaxValue; // held until its answer
    }

    private int? EarliestFree()
    {
        int? earliest = null;
        var soonest = DateTime.MaxValue;
        for (var i = 0; i < held.Count; i++)
        {
            var free = FreeAt(held[i]);
            if (free < soonest)
            {
                (earliest, soonest) = (i, free);
            }
        }

        return earliest;
    }

    /// <summary>Starts a new minute of sends and refusals when the last one is over.</summary>
    private void Count(DateTime now)
    {
        if (now - minuteSince >= TimeSpan.FromMinutes(1))
        {
            (minuteSince, minuteSends, minuteRefused) = (now, 0, 0);
        }
    }

    private void Expire(DateTime now)
    {
        Narrow(now);
        var kept = 0;
        for (var i = 0; i < held.Count; i++)
        {
            if (FreeAt(held[i]) > now)
            {
                held[kept++] = held[i];
            }
        }

        held.RemoveRange(kept, held.Count - kept);
    }

    /// <summary>After ten quiet minutes since the last widening, the spread halves its way back to the configured one.</summary>
    private void Narrow(DateTime now)
    {
        if (widenedAt is not { } at || now - at < QuietStep)
        {
            return;
        }

        var narrower = baseSpread + (spread - baseSpread) / 2;
        spread = narrower - baseSpread < TimeSpan.FromMilliseconds(1) ? baseSpread : narrower;
        widenedAt = spread == baseSpread ? null : now;
    }

    /// <summary>
    /// A send that left at <see cref="Left"/>, <see cref="Evenly"/> when it was paced for a distant
    /// provider on an open connection; or, with <see cref="Until"/>, a returned reservation's slot.
    /// </summary>
    private sealed record Held(DateTime Left, DateTime? AnsweredAt = null, DateTime? Until = null, bool Evenly = false);
}
