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

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        if (!enabled)
        {
            return Open.Instance;
        }

        await gate.WaitAsync(ct);
        return new Release(gate);
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
