using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// SQLite has one writer at a time; when several of Kabar's own writers (webhook intake, the
/// status worker, the dispatcher) collide, SQLite's busy handler makes the losers sleep and
/// retry, and a few wait far longer than the work takes. Queuing them here, first come first
/// served, keeps every wait about as long as the writes ahead of it. PostgreSQL needs no such
/// queue: there the gate is open.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly bool enabled;

    public WriteGate(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        enabled = scope.ServiceProvider.GetRequiredService<KabarDbContext>().Database.IsSqlite();
    }

    private int urgentWaiting;

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
                await gate.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref urgentWaiting);
            }

            return new Release(gate);
        }

        while (true)
        {
            await gate.WaitAsync(ct);
            if (Volatile.Read(ref urgentWaiting) == 0)
            {
                return new Release(gate);
            }

            gate.Release();
            await Task.Delay(1, ct);
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                gate.Release();
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
