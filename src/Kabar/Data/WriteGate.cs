using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// SQLite has one writer at a time; when several of Kabar's own writers (webhook intake, the
/// status worker, the dispatcher) collide, SQLite's busy handler makes the losers sleep and
/// retry, and a few wait far longer than the work takes. Queuing them here, first come first
/// served (a departure mark ahead of the rest, <see cref="EnterFirstAsync"/>), keeps every wait
/// about as long as the writes ahead of it. PostgreSQL needs no such
/// queue: there the gate is open.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly Lock sync = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> first = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> rest = new();
    private readonly bool enabled;
    private bool held;
    private int urgentWaiting;

    public WriteGate(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        enabled = scope.ServiceProvider.GetRequiredService<KabarDbContext>().Database.IsSqlite();
    }

    /// <summary>
    /// Waits for the write turn. Background work (<paramref name="urgent"/> false: applying
    /// statuses) steps aside while urgent writers wait, so webhook intake — which Meta times —
    /// and sending keep their latency during a burst; the background work catches up after.
    /// </summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct, bool urgent = true)
    {
        if (!enabled)
        {
            return Open.Instance;
        }

        if (urgent)
        {
            Interlocked.Increment(ref urgentWaiting);
            try
            {
                return await WaitTurnAsync(rest, ct);
            }
            finally
            {
                Interlocked.Decrement(ref urgentWaiting);
            }
        }

        while (true)
        {
            var turn = await WaitTurnAsync(rest, ct);
            if (Volatile.Read(ref urgentWaiting) == 0)
            {
                return turn;
            }

            turn.Dispose();
            await Task.Delay(1, ct);
        }
    }

    /// <summary>
    /// Waits for the next write turn ahead of every other writer: for a one-row write that sends
    /// wait on (a number's departure mark, docs/pipeline.md "Exactly once"), which then waits only
    /// for the write under way.
    /// </summary>
    public async Task<IDisposable> EnterFirstAsync(CancellationToken ct)
    {
        if (!enabled)
        {
            return Open.Instance;
        }

        Interlocked.Increment(ref urgentWaiting);
        try
        {
            return await WaitTurnAsync(first, ct);
        }
        finally
        {
            Interlocked.Decrement(ref urgentWaiting);
        }
    }

    public void Dispose()
    {
    }

    private async Task<IDisposable> WaitTurnAsync(LinkedList<TaskCompletionSource<IDisposable>> queue, CancellationToken ct)
    {
        TaskCompletionSource<IDisposable> waiter;
        LinkedListNode<TaskCompletionSource<IDisposable>> node;
        lock (sync)
        {
            if (!held)
            {
                held = true;
                return new Release(this);
            }

            waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = queue.AddLast(waiter);
        }

        // A waiter leaves its queue, or is handed the turn, under the lock: never both.
        await using var cancel = ct.Register(() =>
        {
            lock (sync)
            {
                if (node.List is not null)
                {
                    queue.Remove(node);
                    waiter.TrySetCanceled(ct);
                }
            }
        });
        return await waiter.Task;
    }

    /// <summary>Hands the turn to the next waiter, those of <see cref="EnterFirstAsync"/> first, or frees it.</summary>
    private void Pass()
    {
        lock (sync)
        {
            var next = first.First ?? rest.First;
            if (next is null)
            {
                held = false;
                return;
            }

            next.List!.Remove(next);
            next.Value.SetResult(new Release(this)); // continuations run elsewhere, not under the lock
        }
    }

    private sealed class Release(WriteGate gate) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                gate.Pass();
            }
        }
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }
}
