using Kabar.Notifications;

namespace Kabar.Tests.Notifications;

/// <summary>The outage breaker's rules on their own (docs/pipeline.md, "Outages"); the fault suite drives it end to end.</summary>
public sealed class OutageBreakerTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc);

    private static OutageBreaker NewBreaker(int failures = 3) => new("whatsapp:1", () => new NotificationOptions
    {
        OutageFailures = failures,
        OutageProbeMin = TimeSpan.FromSeconds(1),
        OutageProbeMax = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public void OpensAfterFailuresInARow_ASuccessBetweenResetsTheCount()
    {
        var breaker = NewBreaker();
        breaker.Failed(T0, null, probe: false);
        breaker.Failed(T0, null, probe: false);
        breaker.Succeeded(T0, probe: false);
        breaker.Failed(T0, null, probe: false);
        Assert.Null(breaker.Failed(T0, null, probe: false));
        Assert.False(breaker.Holds());

        var until = breaker.Failed(T0, null, probe: false);

        Assert.Equal(T0.AddSeconds(1), until);
        Assert.True(breaker.Holds());
        Assert.Equal(T0, breaker.OutageSince);
        Assert.False(breaker.TryPass(T0.AddMilliseconds(500), out var held, out _));
        Assert.Equal(T0.AddSeconds(1), held);
    }

    [Fact]
    public void RetryAfter_OpensAtOnce_ForAsLongAsTheProviderSaid()
    {
        var breaker = NewBreaker();

        var until = breaker.Failed(T0, TimeSpan.FromSeconds(4), probe: false);

        Assert.Equal(T0.AddSeconds(4), until);
        Assert.False(breaker.Admits(T0.AddSeconds(3.9), out _));
        Assert.True(breaker.Admits(T0.AddSeconds(4), out _));
    }

    /// <summary>
    /// Meta answers one send 130429 with Retry-After while others it took just before are still
    /// answering: their successes do not end the wait it asked for.
    /// </summary>
    [Fact]
    public void RetryAfter_LateSuccessesOfSendsThatLeftBefore_DoNotEndTheWait()
    {
        var breaker = NewBreaker();
        var until = breaker.Failed(T0, TimeSpan.FromSeconds(4), probe: false);

        Assert.Null(breaker.Succeeded(T0.AddMilliseconds(50), probe: false));
        Assert.Null(breaker.Succeeded(T0.AddMilliseconds(120), probe: false));

        Assert.True(breaker.Holds());
        Assert.Equal(until, breaker.HeldUntil(T0.AddSeconds(1)));
        Assert.False(breaker.Admits(T0.AddSeconds(3.9), out _));
    }

    [Fact]
    public void AfterThePause_OneProbe_OthersWait_UntilItAnswers()
    {
        var breaker = NewBreaker(failures: 1);
        breaker.Failed(T0, null, probe: false);
        var later = T0.AddSeconds(1);

        Assert.True(breaker.WantsProbe(later));
        Assert.True(breaker.TryPass(later, out _, out var probe));
        Assert.True(probe);
        Assert.False(breaker.TryPass(later, out _, out _));
        Assert.True(breaker.Holds()); // sends planned before still wait for the probe's answer

        Assert.Null(breaker.Succeeded(later, probe: false)); // a send that left before the opening
        Assert.True(breaker.Holds());
        Assert.Equal(TimeSpan.FromSeconds(1), breaker.Succeeded(later, probe: true));
        Assert.False(breaker.Holds());
        Assert.Null(breaker.OutageSince);
        Assert.True(breaker.TryPass(later, out _, out probe));
        Assert.False(probe);
    }

    [Fact]
    public void AFailedProbe_DoublesTheWait_UpToTheMaximum_LateAnswersDoNot()
    {
        var breaker = NewBreaker(failures: 1);
        var now = T0;
        breaker.Failed(now, null, probe: false); // opens for 1 s
        var waits = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            now = breaker.HeldUntil(now)!.Value;
            Assert.True(breaker.TryPass(now, out _, out var probe));
            Assert.True(probe);
            var until = breaker.Failed(now, null, probe: true)!.Value;
            waits.Add((until - now).TotalSeconds);

            // An answer to a send that left before the opening changes nothing.
            Assert.Null(breaker.Failed(now.AddMilliseconds(10), null, probe: false));
            Assert.Equal(until, breaker.HeldUntil(now));
        }

        Assert.Equal([2, 4, 5, 5, 5], waits);
        Assert.Equal(T0, breaker.OutageSince);
    }

    [Fact]
    public void AnAbandonedProbe_LetsTheNextPassProbeAtOnce()
    {
        var breaker = NewBreaker(failures: 1);
        breaker.Failed(T0, null, probe: false);
        Assert.True(breaker.TryPass(T0.AddSeconds(1), out _, out _));

        breaker.AbandonProbe();

        Assert.True(breaker.TryPass(T0.AddSeconds(1.1), out _, out var probe));
        Assert.True(probe);
    }

    [Fact]
    public void Pause_HoldsEverythingUntilResumed()
    {
        var breaker = NewBreaker();

        breaker.Pause();

        Assert.True(breaker.Holds());
        Assert.False(breaker.TryPass(T0, out var held, out _));
        Assert.Equal(T0.AddMinutes(1), held);
        breaker.PauseRecorded();
        breaker.Resumed(breaker.ResumeMark());
        Assert.True(breaker.TryPass(T0, out _, out _));
    }

    /// <summary>
    /// One pass meets an account lock while the next pass reads the number's row, which does not
    /// show the pause until the first pass has recorded it: that read must not lift the pause.
    /// </summary>
    [Fact]
    public void Pause_NotLiftedByARowReadBeforeItWasRecorded()
    {
        var breaker = NewBreaker();

        var readBeforeThePause = breaker.ResumeMark();
        breaker.Pause();
        breaker.Resumed(readBeforeThePause);
        Assert.True(breaker.Holds());

        var readBeforeTheRecord = breaker.ResumeMark();
        breaker.PauseRecorded();
        breaker.Resumed(readBeforeTheRecord);
        Assert.True(breaker.Holds());

        // Read after the record: the row showed the pause until an operator lifted it.
        breaker.Resumed(breaker.ResumeMark());
        Assert.False(breaker.Holds());
    }

    [Fact]
    public void Pause_TwoErrors_HeldUntilBothAreRecorded()
    {
        var breaker = NewBreaker();

        breaker.Pause();
        breaker.Pause();
        breaker.PauseRecorded();
        breaker.Resumed(breaker.ResumeMark());
        Assert.True(breaker.Holds());

        breaker.PauseRecorded();
        breaker.Resumed(breaker.ResumeMark());
        Assert.False(breaker.Holds());
    }
}
