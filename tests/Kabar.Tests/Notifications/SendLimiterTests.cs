using Kabar.Notifications;

namespace Kabar.Tests.Notifications;

/// <summary>
/// The per-number rate at Meta's latency (SPEC §6, docs/pipeline.md "Limits"), on a simulated clock:
/// a dispatcher reserving slots pass after pass, sends leaving at their slot, each request arriving
/// at Meta a network delay later and answered a round trip after it left, and Meta counting every
/// sliding second of arrivals and refusing the one over the rate with 130429, as it does.
/// </summary>
public sealed class SendLimiterTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Spread = TimeSpan.FromMilliseconds(25);

    /// <summary>What the simulated minutes came to.</summary>
    private sealed record Run(int Arrived, int Refused, DateTime? LastRefused, int MaxInAnySecond, double SteadyRate);

    /// <param name="Rate">The number's messages/second.</param>
    /// <param name="RoundTrip">From leaving to the answer, before jitter.</param>
    /// <param name="RoundTripJitter">Each round trip is <paramref name="RoundTrip"/> ± up to this.</param>
    /// <param name="ArrivalJitter">Each request reaches Meta a quarter of the round trip after it left, plus up to this.</param>
    /// <param name="Stall">Every ten seconds from the fifth, something on the way (a proxy, a congested link) holds the requests
    /// for this long, then lets them all through at once.</param>
    /// <param name="Handshake">A request that finds every keep-alive connection busy opens one, and reaches Meta this much later.</param>
    /// <param name="Held">Every three seconds from the fifth, Kabar's own process holds the requests stamped as leaving for this
    /// long before writing them (a collection, a descheduled thread, a wait for a connection); they go out together after it.</param>
    /// <param name="WritesReported">Whether the dispatcher tells the limiter when each request was written (<see cref="SendLimiter.Written"/>).</param>
    private sealed record Network(int Rate, TimeSpan RoundTrip, TimeSpan RoundTripJitter, TimeSpan ArrivalJitter, TimeSpan Stall = default,
        TimeSpan Handshake = default, TimeSpan Held = default, bool WritesReported = true);

    [Theory]
    [InlineData(1000, 100, 30)]
    [InlineData(1000, 300, 100)]
    [InlineData(1000, 600, 200)]
    [InlineData(80, 300, 100)]
    [InlineData(250, 450, 150)]
    public void AtMetasLatency_NoSecondOfArrivalsHoldsMoreThanTheRate_AndTheRateIsUsed(int rate, int roundTripMs, int jitterMs)
    {
        var network = new Network(rate, TimeSpan.FromMilliseconds(roundTripMs), TimeSpan.FromMilliseconds(jitterMs), Spread);

        var run = Simulate(network, TimeSpan.FromMinutes(2), seed: rate + roundTripMs);

        Assert.True(run.MaxInAnySecond <= rate, $"{run.MaxInAnySecond} requests arrived in one second at a rate of {rate}");
        Assert.Equal(0, run.Refused);
        Assert.True(run.SteadyRate >= 0.95 * rate, $"sent {run.SteadyRate:0.0}/s of {rate}/s");
    }

    [Theory]
    [InlineData(1000, 300, 100)]
    [InlineData(80, 300, 100)]
    public void FromAColdStart_RequestsThatOpenAConnectionArriveAHandshakeLate_AndNoSecondHoldsMoreThanTheRate(int rate, int roundTripMs, int jitterMs)
    {
        // TCP and TLS 1.3 take about a round trip and a half before the request goes.
        var roundTrip = TimeSpan.FromMilliseconds(roundTripMs);
        var network = new Network(rate, roundTrip, TimeSpan.FromMilliseconds(jitterMs), Spread, Handshake: roundTrip * 1.5);

        var run = Simulate(network, TimeSpan.FromMinutes(1), seed: rate);

        Assert.Equal(0, run.Refused);
        Assert.True(run.MaxInAnySecond <= rate, $"{run.MaxInAnySecond} requests arrived in one second at a rate of {rate}");
        Assert.True(run.SteadyRate >= 0.95 * rate, $"sent {run.SteadyRate:0.0}/s of {rate}/s");
    }

    [Fact]
    public void RequestsHeldUpOnTheWay_AreRefusedAtFirst_ThenTheWindowWidensUntilTheStallsPass()
    {
        // Every ten seconds the way to Meta stalls for 150 ms, six times the configured spread,
        // and lets the held requests through at once.
        var network = new Network(1000, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100), Spread,
            Stall: TimeSpan.FromMilliseconds(150));

        var run = Simulate(network, TimeSpan.FromMinutes(2), seed: 7);

        Assert.True(run.Refused > 0, "the first stall let more than the rate arrive in a second");
        // A refused stall widens the window, and the stalls of the second minute all pass.
        Assert.True(run.LastRefused < Start.AddSeconds(60), $"refused again at {run.LastRefused:HH:mm:ss.fff}");
        Assert.True(run.Refused < run.Arrived / 100, $"{run.Refused} of {run.Arrived} refused");
        Assert.True(run.MaxInAnySecond <= network.Rate);
        Assert.True(run.SteadyRate >= 0.75 * network.Rate, $"sent {run.SteadyRate:0.0}/s of {network.Rate}/s");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RequestsHeldInKabarBetweenStampAndWire_HoldTheirSlotsFromTheWrite_AndNoSecondHoldsMoreThanTheRate(bool writesReported)
    {
        // 60 ms, twice the spread, every three seconds: a long collection on a busy machine.
        var network = new Network(1000, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100), Spread,
            Held: TimeSpan.FromMilliseconds(60), WritesReported: writesReported);

        var run = Simulate(network, TimeSpan.FromMinutes(1), seed: 60);

        if (!writesReported)
        {
            // Counted from the stamp, the held requests' slots free up too early: the model this test guards.
            Assert.True(run.Refused > 0, "requests held past the spread were counted from their stamps, yet none was refused");
            return;
        }

        Assert.Equal(0, run.Refused);
        Assert.True(run.MaxInAnySecond <= 1000, $"{run.MaxInAnySecond} requests arrived in one second at a rate of 1000");
        Assert.True(run.SteadyRate >= 0.93 * 1000, $"sent {run.SteadyRate:0.0}/s of 1000/s");
    }

    [Fact]
    public void AWriteAfterTheStamp_HoldsTheSlotASecondAndTheSpreadFromTheWrite()
    {
        var limiter = AfterFirstAnswer(1, 300); // distant; one connection open
        var stamped = Start.AddMilliseconds(1300);
        Assert.True(limiter.TryAcquire(stamped));
        limiter.Depart(stamped);

        var written = limiter.Written(stamped, stamped.AddMilliseconds(80));
        Assert.Equal(stamped.AddMilliseconds(80), written);
        Assert.Equal(written, limiter.Written(written, stamped.AddMilliseconds(70))); // a stamp never moves back
        limiter.Answered(written, written.AddMilliseconds(300));

        Assert.False(limiter.TryAcquire(stamped.AddMilliseconds(1025)));
        Assert.False(limiter.TryAcquire(written.AddMilliseconds(1024)));
        Assert.True(limiter.TryAcquire(written.AddMilliseconds(1025)));
    }

    [Fact]
    public void AQuickAnswer_FreesItsSlotOneSecondAfterTheAnswer()
    {
        // The request arrived before its answer: a second after the answer is exact.
        var limiter = AfterFirstAnswer(2, 1);
        Assert.True(limiter.TryAcquire(Start.AddMilliseconds(1)));
        limiter.Depart(Start.AddMilliseconds(1));
        limiter.Answered(Start.AddMilliseconds(1), Start.AddMilliseconds(40));

        Assert.False(limiter.TryAcquire(Start.AddMilliseconds(1000)));
        Assert.True(limiter.TryAcquire(Start.AddMilliseconds(1001)));
        Assert.Equal(Start.AddMilliseconds(1040), limiter.NextFree(Start.AddMilliseconds(1001)));
    }

    [Fact]
    public void ANearbyProvider_HoldsASlotUntilASecondAfterItsAnswer_HoweverLateItComes()
    {
        var limiter = AfterFirstAnswer(1, 1);
        Assert.True(limiter.TryAcquire(Start.AddMilliseconds(1001)));
        limiter.Depart(Start.AddMilliseconds(1001));

        // The request may have waited in front of the server all that time.
        Assert.False(limiter.TryAcquire(Start.AddSeconds(3)));
        limiter.Answered(Start.AddMilliseconds(1001), Start.AddMilliseconds(3500));
        Assert.False(limiter.TryAcquire(Start.AddMilliseconds(4499)));
        Assert.True(limiter.TryAcquire(Start.AddMilliseconds(4500)));
    }

    [Fact]
    public void ADistantProvider_ASlowSendHoldsItsSlotOneSecondAndTheSpreadAfterItLeft()
    {
        var limiter = AfterFirstAnswer(1, 300);

        // The first send left before Kabar knew the provider's distance: a second after its answer.
        Assert.False(limiter.TryAcquire(Start.AddMilliseconds(1299)));
        Assert.True(limiter.TryAcquire(Start.AddMilliseconds(1300)));
        var left = Start.AddMilliseconds(1300);
        limiter.Depart(left);

        // Answered or not, its slot is free a second and the spread after it left.
        Assert.Equal(left.AddMilliseconds(1025), limiter.NextFree(left.AddMilliseconds(20)));
        limiter.Answered(left, left.AddMilliseconds(400));
        Assert.False(limiter.TryAcquire(left.AddMilliseconds(1024)));
        Assert.True(limiter.TryAcquire(left.AddMilliseconds(1025)));
    }

    [Fact]
    public void ADistantProvider_SendsReservedAhead_TellWhenTheLastOfThemLeaves_UntilTheyHaveAllLeft()
    {
        var limiter = AfterFirstAnswer(100, 300); // distant
        var now = Start.AddMilliseconds(300);
        Assert.Null(limiter.PreparedUntil(now));

        // A burst of ten, then one (1 s + 25 ms) / 100 apart: the fiftieth leaves 40 gaps after the first.
        var ready = new List<DateTime>();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(limiter.TryReserve(now, now.AddMilliseconds(800), out var at));
            ready.Add(at);
        }

        Assert.Equal(now.AddTicks(TimeSpan.FromMilliseconds(1025).Ticks / 100 * 40), ready[^1]);
        Assert.Equal(ready[^1], limiter.PreparedUntil(now));

        foreach (var at in ready.SkipLast(1))
        {
            limiter.Depart(at);
        }

        Assert.Equal(ready[^1], limiter.PreparedUntil(ready[^2]));
        limiter.Depart(ready[^1]);
        Assert.Null(limiter.PreparedUntil(ready[^1]));
    }

    [Fact]
    public void ANearbyProvider_SendsAreNotPaced_AndNothingIsPreparedAhead()
    {
        var limiter = AfterFirstAnswer(100, 2);

        Assert.True(limiter.TryReserve(Start.AddMilliseconds(2), Start.AddMilliseconds(802), out _));
        Assert.Null(limiter.PreparedUntil(Start.AddMilliseconds(2)));
    }

    [Fact]
    public void AReservationAheadHandedBack_FreesItsSlotOnlyWhenItWouldHaveLeft()
    {
        var limiter = AfterFirstAnswer(1, 300);
        var left = Start.AddMilliseconds(1300);
        Assert.True(limiter.TryAcquire(left));
        limiter.Depart(left);
        Assert.True(limiter.TryReserve(left.AddMilliseconds(500), left.AddMilliseconds(1300), out var readyAt));
        Assert.Equal(left.AddMilliseconds(1025), readyAt);

        limiter.Return(left.AddMilliseconds(600), readyAt);

        Assert.Equal(0, limiter.Available(left.AddMilliseconds(1000)));
        Assert.False(limiter.TryAcquire(left.AddMilliseconds(1000)));
        Assert.True(limiter.TryAcquire(left.AddMilliseconds(1025)));
    }

    [Fact]
    public void ASendThatOpensAConnection_HoldsItsSlotUntilASecondAfterItsAnswer()
    {
        var limiter = AfterFirstAnswer(2, 300); // distant; one connection open

        var first = Start.AddMilliseconds(1300);
        Assert.True(limiter.TryAcquire(first));
        limiter.Depart(first); // on the open connection
        var second = first.AddMilliseconds(600);
        Assert.True(limiter.TryAcquire(second));
        limiter.Depart(second); // the first is still out: the client opens a connection, a handshake late
        limiter.Answered(first, first.AddMilliseconds(300));
        limiter.Answered(second, second.AddMilliseconds(700));

        // The first frees a second and the spread after it left, the second a second after its answer.
        Assert.Equal(first.AddMilliseconds(1025), limiter.NextFree(first.AddMilliseconds(1000)));
        Assert.True(limiter.TryAcquire(first.AddMilliseconds(1025)));
        Assert.False(limiter.TryAcquire(second.AddMilliseconds(1699)));
        Assert.True(limiter.TryAcquire(second.AddMilliseconds(1700)));
    }

    [Fact]
    public void RefusalsUpToAThousandthOfAMinuteAtTheRate_AreRetriedWithoutWideningTheSpread()
    {
        // A thousandth of a minute at 100 messages/second is six refusals.
        var limiter = new SendLimiter(100, Spread);
        for (var i = 0; i < 6; i++)
        {
            limiter.Throttled(Start.AddMilliseconds(i));
        }

        Assert.Equal(Spread, limiter.Spread);

        limiter.Throttled(Start.AddMilliseconds(6));

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.Spread);
    }

    /// <summary>
    /// A limiter whose first send left at <see cref="Start"/> and was answered after
    /// <paramref name="roundTripMs"/>: the provider is distant when that is longer than the spread.
    /// </summary>
    private static SendLimiter AfterFirstAnswer(int rate, int roundTripMs)
    {
        var limiter = new SendLimiter(rate, Spread);
        Assert.True(limiter.TryAcquire(Start));
        limiter.Depart(Start);
        limiter.Answered(Start, Start.AddMilliseconds(roundTripMs));
        return limiter;
    }

    /// <summary>
    /// Runs the dispatcher's use of the limiter against the network for <paramref name="length"/>:
    /// a pass every 40 ms reserves up to 250 slots free now or within 800 ms (as
    /// <c>DispatchPlanner</c> does), each send leaves when its slot is free (a timer waking up to
    /// 2 ms late), and Meta refuses what arrives over the rate.
    /// </summary>
    private static Run Simulate(Network network, TimeSpan length, int seed)
    {
        var random = new Random(seed);
        var limiter = new SendLimiter(network.Rate, Spread);
        var events = new PriorityQueue<Action<DateTime>, (DateTime, long)>();
        long order = 0;
        void At(DateTime when, Action<DateTime> what) => events.Enqueue(what, (when, order++));
        TimeSpan Between(TimeSpan from, TimeSpan to) => from + (to - from) * random.NextDouble();

        var end = Start + length;
        var counted = new Queue<DateTime>();
        var arrivals = new List<DateTime>();
        int refused = 0, maxInSecond = 0;
        DateTime? lastRefused = null;

        void Arrive(DateTime t, DateTime answerAt)
        {
            while (counted.TryPeek(out var first) && first <= t.AddSeconds(-1))
            {
                counted.Dequeue();
            }

            if (counted.Count >= network.Rate)
            {
                refused++;
                lastRefused = t;
                At(answerAt, limiter.Throttled);
                return;
            }

            counted.Enqueue(t);
            arrivals.Add(t);
            maxInSecond = Math.Max(maxInSecond, counted.Count);
        }

        // The client's keep-alive connections: one request at a time each, opened when all are busy.
        int open = 0, busy = 0;

        void Leave(DateTime t)
        {
            limiter.Depart(t);
            var intoHold = TimeSpan.FromTicks((t - Start - TimeSpan.FromSeconds(5)).Ticks % (TimeSpan.TicksPerSecond * 3));
            if (t >= Start.AddSeconds(5) && intoHold < network.Held)
            {
                At(t + (network.Held - intoHold), written => Write(t, network.WritesReported ? limiter.Written(t, written) : t, written));
                return;
            }

            Write(t, t, t);
        }

        // The request of the send stamped at t, counted by the limiter as leaving at left, written at w.
        void Write(DateTime t, DateTime left, DateTime w)
        {
            var roundTrip = Between(network.RoundTrip - network.RoundTripJitter, network.RoundTrip + network.RoundTripJitter);
            var toMeta = network.RoundTrip / 4 + Between(TimeSpan.Zero, network.ArrivalJitter);
            if (++busy > open)
            {
                open++;
                toMeta += network.Handshake;
                roundTrip += network.Handshake;
            }

            var intoStall = TimeSpan.FromTicks((w - Start - TimeSpan.FromSeconds(5)).Ticks % (TimeSpan.TicksPerSecond * 10));
            if (w >= Start.AddSeconds(5) && intoStall < network.Stall)
            {
                toMeta += network.Stall - intoStall;
            }

            var answerAt = w + (roundTrip > toMeta ? roundTrip : toMeta);
            At(w + toMeta, arrivedAt => Arrive(arrivedAt, answerAt));
            At(answerAt, answered =>
            {
                busy--;
                limiter.Answered(left, answered);
            });
        }

        void Pass(DateTime t)
        {
            for (var i = 0; i < 250 && limiter.TryReserve(t, t.AddMilliseconds(800), out var readyAt); i++)
            {
                At((readyAt > t ? readyAt : t) + Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(2)), Leave);
            }

            if (t < end)
            {
                At(t.AddMilliseconds(40), Pass);
            }
        }

        At(Start, Pass);
        while (events.TryDequeue(out var next, out var key))
        {
            next(key.Item1);
        }

        // The steady rate: what arrived from the 10th second to the end of the passes.
        var steady = arrivals.Count(a => a >= Start.AddSeconds(10) && a < end) / (length - TimeSpan.FromSeconds(10)).TotalSeconds;
        return new Run(arrivals.Count + refused, refused, lastRefused, maxInSecond, steady);
    }
}
