using Kabar.Notifications;

namespace Kabar.Tests.Notifications;

/// <summary>
/// A number's departure mark (docs/pipeline.md, "Exactly once"): a send leaves only once the mark
/// is committed at or past its reserved time; the sends that ask while a write is under way wait
/// for that write rather than each writing; a mark that cannot be written keeps the send back.
/// The whole, a killed process and the one that takes its number over, is in
/// <see cref="CrashRecoveryTests"/>.
/// </summary>
public sealed class DepartureMarkTests
{
    private static readonly DateTime Start = new(2026, 12, 7, 1, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(100);

    /// <summary>A database stand-in that commits what it is given, when the test lets it.</summary>
    private sealed class Row
    {
        public List<DateTime> Writes { get; } = [];
        public DateTime? Committed { get; private set; }
        public bool Held { get; set; } = true;
        public TaskCompletionSource? Gate { get; set; }

        public async Task<bool> WriteAsync(DateTime until, CancellationToken ct)
        {
            Writes.Add(until);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(ct);
            }

            if (Held)
            {
                Committed = until;
            }

            return Held;
        }
    }

    [Fact]
    public async Task ASend_IsCoveredOnlyOnceTheMarkIsCommittedPastIt_AndTheWriteRunsALeadAhead()
    {
        var row = new Row();
        var mark = new DepartureMark(row.WriteAsync, Lead);
        var slot = Start.AddMilliseconds(50);

        Assert.True(await mark.CoverAsync(slot, Start, CancellationToken.None));
        Assert.Equal(slot + Lead, row.Committed);

        // Sends reserved within the mark leave without another write; the first past it writes again.
        Assert.True(await mark.CoverAsync(slot + Lead, Start.AddMilliseconds(60), CancellationToken.None));
        Assert.Single(row.Writes);
        var later = slot + Lead + TimeSpan.FromMilliseconds(1);
        Assert.True(await mark.CoverAsync(later, Start.AddMilliseconds(100), CancellationToken.None));
        Assert.Equal([slot + Lead, later + Lead], row.Writes);
        Assert.Equal(later + Lead, row.Committed);
    }

    [Fact]
    public async Task ASendAskingLate_HasTheMarkWrittenPastNow_NotPastItsSlot()
    {
        var row = new Row();
        var mark = new DepartureMark(row.WriteAsync, Lead);
        var now = Start.AddSeconds(2);

        Assert.True(await mark.CoverAsync(Start, now, CancellationToken.None));
        Assert.Equal(now + Lead, row.Committed);
    }

    [Fact]
    public async Task SendsAskingWhileAWriteIsUnderWay_WaitForIt_AndNoneIsCoveredBeforeItCommits()
    {
        var row = new Row { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var mark = new DepartureMark(row.WriteAsync, Lead);
        var asks = Enumerable.Range(0, 50)
            .Select(i => mark.CoverAsync(Start.AddMilliseconds(i), Start, CancellationToken.None).AsTask())
            .ToList();

        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.All(asks, a => Assert.False(a.IsCompleted));
        Assert.Null(row.Committed);

        row.Gate.SetResult();
        Assert.All(await Task.WhenAll(asks), Assert.True);
        Assert.Single(row.Writes);
    }

    [Fact]
    public async Task AWriteThatThrows_KeepsTheSendsBack_AndDoesNotBlockTheNext()
    {
        var calls = 0;
        var mark = new DepartureMark((_, _) => ++calls == 1 ? throw new InvalidOperationException("the database went away") : Task.FromResult(true), Lead);

        Assert.False(await mark.CoverAsync(Start, Start, CancellationToken.None));
        Assert.True(await mark.CoverAsync(Start, Start, CancellationToken.None));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task AMarkThatCannotBeWritten_KeepsTheSendBack_AndTheNextSendTriesAgain()
    {
        var row = new Row { Held = false };
        var mark = new DepartureMark(row.WriteAsync, Lead);

        Assert.False(await mark.CoverAsync(Start, Start, CancellationToken.None));
        Assert.Null(row.Committed);

        row.Held = true;
        Assert.True(await mark.CoverAsync(Start, Start, CancellationToken.None));
        Assert.Equal(2, row.Writes.Count);
    }
}
