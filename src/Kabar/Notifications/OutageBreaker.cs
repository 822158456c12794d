namespace Kabar.Notifications;

/// <summary>
/// Tells a provider's outage from one message's trouble (SPEC §6, the transient row). Transient
/// failures (HTTP 5xx, throughput codes, timeouts) are retried per notification with backoff; but
/// after <see cref="NotificationOptions.OutageFailures"/> of them in a row, or an answer carrying
/// <c>Retry-After</c>, the provider is taken to be down: its sends are held without spending
/// anyone's tries, and a single probe goes out after a pause that doubles from
/// <see cref="NotificationOptions.OutageProbeMin"/> up to <see cref="NotificationOptions.OutageProbeMax"/>.
/// The first answer from a working provider closes the breaker and the backlog goes at full rate.
/// An account-level error (the number is paused) holds sends the same way until the pause is lifted.
/// One per provider (a business number, the SMS gateway, the mail server) in the process that
/// holds the sending lease; thread-safe.
/// </summary>
internal sealed class OutageBreaker(string provider, Func<NotificationOptions> options)
{
    private static readonly TimeSpan ProbeAbandoned = TimeSpan.FromMinutes(1);
    private readonly Lock gate = new();
    private int failures;
    private int openings;
    private DateTime? openUntil;
    private DateTime? probeSince;
    private bool paused;
    private long pauses; // account-level errors met, ever
    private int unrecorded; // of those, not yet in the number's row

    /// <summary>What it guards: <c>whatsapp:{phone number id}</c>, <c>sms</c> or <c>email</c>.</summary>
    public string Provider { get; } = provider;

    private DateTime? outageSince;

    /// <summary>When the current outage was recognised; null while the provider works.</summary>
    public DateTime? OutageSince
    {
        get
        {
            lock (gate)
            {
                return outageSince;
            }
        }
    }

    private NotificationOptions O => options();

    /// <summary>An essential notice held by this outage longer than <see cref="NotificationOptions.OutageFallbackAfter"/> goes by SMS/e-mail.</summary>
    public bool FallbackDue(bool essential, DateTime now) =>
        essential && OutageSince is { } since && now - since >= O.OutageFallbackAfter;

    /// <summary>Whether <see cref="TryPass"/> would let a send through now, without taking the probe.</summary>
    public bool Admits(DateTime now, out DateTime heldUntil)
    {
        lock (gate)
        {
            return Admits(now, out heldUntil, take: false);
        }
    }

    /// <summary>
    /// Whether a send may be planned now. While open, no; once the pause is over, one probe may
    /// go (<paramref name="probe"/>: the caller must send it and report its answer as the probe's)
    /// and the others wait for its answer.
    /// </summary>
    public bool TryPass(DateTime now, out DateTime heldUntil, out bool probe)
    {
        lock (gate)
        {
            probe = openUntil is not null;
            return Admits(now, out heldUntil, take: true);
        }
    }

    private bool Admits(DateTime now, out DateTime heldUntil, bool take)
    {
        {
            heldUntil = default;
            if (paused)
            {
                heldUntil = now + TimeSpan.FromMinutes(1);
                return false;
            }

            if (openUntil is not { } until)
            {
                return true;
            }

            if (now < until)
            {
                heldUntil = until;
                return false;
            }

            if (probeSince is { } since && now - since < ProbeAbandoned)
            {
                heldUntil = now + O.OutageProbeMin;
                return false;
            }

            if (take)
            {
                probeSince = now;
            }

            return true;
        }
    }

    /// <summary>A probe that was granted but will not be sent (its pass failed): the next pass may probe at once.</summary>
    public void AbandonProbe()
    {
        lock (gate)
        {
            probeSince = null;
        }
    }

    /// <summary>Forgets everything (this process has just taken the provider over from another).</summary>
    public void Reset()
    {
        lock (gate)
        {
            failures = 0;
            openings = 0;
            openUntil = null;
            probeSince = null;
            outageSince = null;
            paused = false;
            unrecorded = 0;
            pauses++; // a mark taken before the takeover lifts nothing
        }
    }

    /// <summary>The pause is over and no probe has gone yet: the next pass should plan just one send.</summary>
    public bool WantsProbe(DateTime now)
    {
        lock (gate)
        {
            return !paused && openUntil is { } until && now >= until && probeSince is null;
        }
    }

    /// <summary>
    /// Whether a send that was planned (other than the probe) must stay unsent: the breaker opened,
    /// or the number was paused, since. Until the probe has answered, nothing else goes.
    /// </summary>
    public bool Holds()
    {
        lock (gate)
        {
            return paused || openUntil is not null;
        }
    }

    /// <summary>Until when sends are held, or null when they may go.</summary>
    public DateTime? HeldUntil(DateTime now)
    {
        lock (gate)
        {
            if (paused)
            {
                return now + TimeSpan.FromMinutes(1);
            }

            return openUntil is { } until ? (until > now ? until : now + O.OutageProbeMin) : null;
        }
    }

    /// <summary>
    /// The provider answered as a working one does; <paramref name="probe"/> when it answers the
    /// probe. Returns how long the outage lasted, if one just ended. While the breaker is open
    /// only the probe closes it: any other send left before it opened, and its late success
    /// does not cut short a wait the provider asked for (Retry-After) or the probe's pause.
    /// </summary>
    public TimeSpan? Succeeded(DateTime now, bool probe)
    {
        lock (gate)
        {
            if (openUntil is null)
            {
                failures = 0;
                return null;
            }

            if (!probe)
            {
                return null;
            }

            failures = 0;

            var lasted = now - (outageSince ?? now);
            openUntil = null;
            probeSince = null;
            openings = 0;
            outageSince = null;
            return lasted;
        }
    }

    /// <summary>
    /// A transient failure, with the provider's Retry-After if it gave one; <paramref name="probe"/>
    /// when it answers the probe. Returns the end of the hold when this failure opened (or
    /// re-opened) the breaker, else null.
    /// </summary>
    public DateTime? Failed(DateTime now, TimeSpan? retryAfter, bool probe)
    {
        lock (gate)
        {
            failures++;
            var told = retryAfter is { } ra && ra > TimeSpan.Zero ? now + ra : (DateTime?)null;
            if (openUntil is { } until && !probe)
            {
                // Already holding: a late answer to a send that left before it opened; only a
                // later Retry-After moves the end.
                if (told > until)
                {
                    openUntil = told;
                }

                return null;
            }

            if (openUntil is null && failures < O.OutageFailures && told is null)
            {
                return null;
            }

            var pause = TimeSpan.FromTicks(Math.Min(O.OutageProbeMax.Ticks, O.OutageProbeMin.Ticks * (1L << Math.Min(openings, 20))));
            openings++;
            openUntil = told is { } t && t > now + pause ? t : now + pause;
            probeSince = null;
            outageSince ??= now;
            return openUntil;
        }
    }

    /// <summary>
    /// An account-level error: hold every send until <see cref="Resumed"/>. Until
    /// <see cref="PauseRecorded"/> the number's row does not show the pause yet, and reading
    /// the row must not lift it.
    /// </summary>
    public void Pause()
    {
        lock (gate)
        {
            paused = true;
            probeSince = null;
            pauses++;
            unrecorded++;
        }
    }

    /// <summary>
    /// The pass that met an account-level error has written it to the number's row, or gave up
    /// trying: a row read from now on tells whether the number is still paused.
    /// </summary>
    public void PauseRecorded()
    {
        lock (gate)
        {
            unrecorded = Math.Max(0, unrecorded - 1);
        }
    }

    /// <summary>Taken before the number's row is read, and handed to <see cref="Resumed"/> with what the row said.</summary>
    public long ResumeMark()
    {
        lock (gate)
        {
            return unrecorded == 0 ? pauses : -1;
        }
    }

    /// <summary>
    /// The number's row, read after <paramref name="mark"/> was taken, shows no pause (an
    /// operator resumed it). The pause is kept when an account-level error came after the mark,
    /// or one before it was not in the row yet: a row read meanwhile does not show that pause.
    /// </summary>
    public void Resumed(long mark)
    {
        lock (gate)
        {
            if (mark >= 0 && mark == pauses)
            {
                paused = false;
            }
        }
    }
}
