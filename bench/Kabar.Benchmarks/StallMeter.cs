using System.Collections.Concurrent;
using System.Diagnostics;

namespace Kabar.Benchmarks;

/// <summary>
/// The pauses of this process, where the simulator runs: a thread that wakes every millisecond
/// and notes each time it woke far later than that. While this process is paused (a collection,
/// or its threads waiting for a core the other processes hold), the simulator stamps nothing;
/// the requests that reached it meanwhile are stamped as arriving together when it resumes, and
/// a second later the sends that took their slots can find a full second. Meta's front end does
/// not pause with Kabar's machine, so `dispatch` reports the refusals that follow such a pause
/// apart from the others (docs/benchmarks.md).
/// </summary>
internal static class StallMeter
{
    /// <summary>A wake-up this much later than asked is a pause; shorter ones are a busy scheduler.</summary>
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(15);

    private static readonly ConcurrentQueue<Stall> Recorded = new();
    private static int started;

    /// <summary>A pause of this process that ended at <paramref name="End"/>.</summary>
    internal readonly record struct Stall(DateTimeOffset End, TimeSpan Length);

    public static void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            return;
        }

        var thread = new Thread(Watch) { IsBackground = true, Name = "stall meter", Priority = ThreadPriority.Highest };
        thread.Start();
    }

    /// <summary>The pauses that ended in [<paramref name="from"/>, <paramref name="to"/>], oldest first.</summary>
    public static IReadOnlyList<Stall> Between(DateTimeOffset from, DateTimeOffset to) =>
        [.. Recorded.Where(s => s.End >= from && s.End <= to)];

    private static void Watch()
    {
        var last = Stopwatch.GetTimestamp();
        while (true)
        {
            Thread.Sleep(1);
            var now = Stopwatch.GetTimestamp();
            var slept = Stopwatch.GetElapsedTime(last, now);
            if (slept > Threshold)
            {
                Recorded.Enqueue(new Stall(DateTimeOffset.UtcNow, slept));
            }

            last = now;
        }
    }
}
